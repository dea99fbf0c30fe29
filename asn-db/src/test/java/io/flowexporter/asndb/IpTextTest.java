package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpTextTest {

  private static String v6(String text) {
    long[] out = new long[2];
    long r =
        IpText.parseIpv6(
            text,
            (hi, lo) -> {
              out[0] = hi;
              out[1] = lo;
              return 1;
            });
    return r < 0 ? "invalid" : String.format("%016x%016x", out[0], out[1]);
  }

  private static long v4(String text) {
    return IpText.parseIpv4(text, 0, text.length());
  }

  @Test
  void dottedQuads() {
    assertThat(v4("0.0.0.0")).isZero();
    assertThat(v4("8.8.4.4")).isEqualTo(0x08080404L);
    assertThat(v4("255.255.255.255")).isEqualTo(0xFFFF_FFFFL);
    assertThat(v4("192.000.002.001")).isEqualTo(0xC0000201L);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "1.2.3",
        "1.2.3.4.",
        "1.2.3.4.5",
        "256.1.1.1",
        "1..2.3",
        "1.2.3.4x",
        "1.2.3.0004",
        "-1.2.3.4",
        "a.b.c.d",
        "1.2.3. 4"
      })
  void notDottedQuads(String text) {
    assertThat(v4(text)).isEqualTo(-1);
  }

  @ParameterizedTest
  @CsvSource({
    "::, 00000000000000000000000000000000",
    "::1, 00000000000000000000000000000001",
    "1::, 00010000000000000000000000000000",
    "2001:db8::1, 20010db8000000000000000000000001",
    "2001:DB8:0:0:0:0:0:1, 20010db8000000000000000000000001",
    "2001:db8:1:2:3:4:5:6, 20010db8000100020003000400050006",
    "2001:db8::5:6, 20010db8000000000000000000050006",
    "1:2:3:4:5:6:7::, 00010002000300040005000600070000",
    "::2:3:4:5:6:7:8, 00000002000300040005000600070008",
    "1:2:3:4::5:6:7, 00010002000300040000000500060007",
    "::ffff:1.2.3.4, 00000000000000000000ffff01020304",
    "::1.2.3.4, 00000000000000000000000001020304",
    "64:ff9b::192.0.2.33, 0064ff9b0000000000000000c0000221",
    "1:2:3:4:5:6:1.2.3.4, 00010002000300040005000601020304",
    "fe80::1%eth0, fe800000000000000000000000000001",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffffffffffffffffffffffffffffffff",
  })
  void ipv6Forms(String text, String expected) {
    assertThat(v6(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ":",
        ":::",
        "1:2",
        "1::2::3",
        "12345::",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7",
        "2001:db8::1:",
        ":2001:db8::1",
        "g::",
        "::ffff:1.2.3",
        "::1.2.3.4:5",
        "1:2:3:4:5:6:7:1.2.3.4",
        "2001:db8::1 ",
        "[::1]",
        "\u0661::1",
        "\uFF11::1"
      })
  void notIpv6(String text) {
    assertThat(v6(text)).isEqualTo("invalid");
  }

  /**
   * Random text, mostly address-shaped: the parsers never throw (the counting path would stop on an
   * exception), and every IPv6 literal reads as the JDK's own literal parser reads it. The one
   * difference allowed: the JDK accepts groups of more than four digits ({@code 0165f::}), which
   * RFC 4291 does not and pmacct never prints. Only texts that start with a hex digit or a colon
   * and hold a colon go to the JDK, which reads those as literals and never asks a resolver.
   */
  @Test
  void randomTextNeverThrowsAndIpv6AgreesWithTheJdk() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    String alphabet = "0123456789abcdefABCDEFg:.:.::%x ";
    int compared = 0;
    int addresses = 0;
    for (int trial = 0; trial < 300_000; trial++) {
      StringBuilder b = new StringBuilder();
      if (random.nextInt(3) == 0) {
        int groups = random.nextInt(10);
        for (int g = 0; g < groups; g++) {
          b.append(g == 0 ? "" : random.nextInt(6) == 0 ? "::" : ":")
              .append(
                  Integer.toHexString(random.nextInt(random.nextBoolean() ? 0x10000 : 0x100000)));
        }
        if (random.nextInt(8) == 0) {
          b.setLength(0);
          b.append(
              random.nextBoolean()
                  ? "::ffff:"
                  : "::ffff:" + Integer.toHexString(random.nextInt(0x10000)) + ":");
          b.append(Integer.toHexString(random.nextInt(0x10000)));
        } else if (random.nextInt(5) == 0) {
          b.append(':')
              .append(random.nextInt(300))
              .append('.')
              .append(random.nextInt(300))
              .append('.')
              .append(random.nextInt(256))
              .append('.')
              .append(random.nextInt(256));
        }
      } else {
        int length = random.nextInt(45);
        for (int i = 0; i < length; i++) {
          b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String text = b.toString();
      v4(text);
      String ours = v6(text);
      boolean comparable =
          text.indexOf(':') >= 0
              && (text.charAt(0) == ':' || Character.digit(text.charAt(0), 16) >= 0)
              && text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
              && Arrays.stream(text.split("[:.]")).allMatch(group -> group.length() <= 4);
      if (comparable) {
        assertThat(ours).as(text).isEqualTo(jdk(text));
        compared++;
        addresses += ours.equals("invalid") ? 0 : 1;
      }
    }
    // The generator reaches both outcomes often enough for the comparison to mean something.
    assertThat(compared).isGreaterThan(10_000);
    assertThat(addresses).isGreaterThan(1_000);
  }

  private static String jdk(String literal) {
    try {
      byte[] a = InetAddress.getByName(literal).getAddress();
      ByteBuffer buf = ByteBuffer.wrap(a);
      // The JDK turns an IPv4-mapped literal (::ffff:a.b.c.d) into an IPv4 address.
      return a.length == 4
          ? String.format("00000000000000000000ffff%08x", buf.getInt(0))
          : String.format("%016x%016x", buf.getLong(0), buf.getLong(8));
    } catch (UnknownHostException e) {
      return "invalid";
    }
  }
}
