package io.flowexporter.topology.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatLineReader} reads the lines it takes exactly as Jackson does, and leaves to Jackson
 * every line it cannot judge, so that every refusal keeps Jackson's reason.
 */
class FlatLineReaderTest {

  private static final FlowParser FLAT = new FlowParser();
  private static final FlowParser JACKSON = new FlowParser(false);

  private static final String RECORD = FlowParserTest.NFACCTD_RECORD;

  /** The record with {@code "bytes": 9000} replaced by {@code "bytes": value}. */
  private static String withBytes(String value) {
    return RECORD.replace("\"bytes\": 9000", "\"bytes\": " + value);
  }

  /** The record with one more field, that flow-exporter does not read, in the middle. */
  private static String withOther(String value) {
    return RECORD.replace("\"packets\"", "\"other\": " + value + ", \"packets\"");
  }

  /** The record with {@code "name": 1} for each of {@code names} before its packets. */
  private static String withNames(List<String> names) {
    StringBuilder fields = new StringBuilder();
    for (String name : names) {
      fields.append('"').append(name).append("\": 1, ");
    }
    return RECORD.replace("\"packets\"", fields + "\"packets\"");
  }

  /**
   * {@code n} names of eight printable bytes that collide in Jackson's table of names whatever its
   * seed: its hash of two quads ({@code ByteQuadsCanonicalizer.calcHash(int, int)}) adds the seed
   * to {@code mix(q1) + 33 * q2}, which is 0 for each of them. Some 530 in a line make Jackson
   * refuse it (its defence against hash flooding).
   */
  static List<String> collidingNames(int n) {
    List<String> names = new ArrayList<>();
    for (int q1 = 0x61212121; names.size() < n; q1++) {
      int mix = q1 + (q1 >>> 15);
      mix ^= mix >>> 9;
      int q2 = -mix * 0x3e0f83e1; // the inverse of 33, modulo 2^32
      byte[] name = ByteBuffer.allocate(8).putInt(q1).putInt(q2).array();
      if (isPlainName(name)) {
        names.add(new String(name, StandardCharsets.US_ASCII));
      }
    }
    return names;
  }

  private static boolean isPlainName(byte[] name) {
    for (byte b : name) {
      if (b <= ' ' || b > '~' || b == '"' || b == '\\') {
        return false;
      }
    }
    return true;
  }

  private static final List<String> COLLIDING = collidingNames(600);

  static final List<String> LINES =
      List.of(
          RECORD,
          "{}",
          "{ }",
          "\t{\"bytes\":1,\"packets\":2}\r",
          "{\"bytes\" : 1 , \"packets\" : 2 }  ",
          withBytes("0"),
          withBytes("00"),
          withBytes("-0"),
          withBytes("-1"),
          withBytes("1.0"),
          withBytes("1e3"),
          withBytes("\"9000\""),
          withBytes("true"),
          withBytes("null"),
          withBytes("123456789012345678"),
          withBytes("1234567890123456789"),
          withBytes("99999999999999999999999"),
          withBytes(Long.toString(FlowParser.MAX_BYTES)),
          withBytes(Long.toString(FlowParser.MAX_BYTES + 1)),
          withBytes("9000x"),
          withBytes("nul"),
          withBytes("nullx"),
          withOther("-12.5e-3"),
          withOther("1E+9"),
          withOther("0.5"),
          withOther("1."),
          withOther(".5"),
          withOther("-"),
          withOther("01"),
          withOther("true"),
          withOther("false"),
          withOther("truex"),
          withOther("null"),
          withOther("\"caf\u00e9\""),
          withOther("\"a\\\"b\""),
          withOther("\"tab\there\""),
          withOther("{\"a\": 1}"),
          withOther("[1, 2]"),
          withOther("\"\u007f\""),
          withOther("1".repeat(1001)),
          RECORD.replace("\"edge1\"", "\"\""),
          RECORD.replace("\"edge1\"", "\"r\u00e9\""),
          RECORD.replace("\"edge1\"", "{\"hostname\": \"edge9\"}"),
          RECORD.replace("\"edge1\"", "\"" + "e".repeat(256) + "\""),
          RECORD.replace("\"edge1\"", "7"),
          RECORD.replace("\"tcp\"", "\"TCP\""),
          RECORD.replace("\"tcp\"", "\"udp\""),
          RECORD.replace("\"tcp\"", "\"icmp\""),
          RECORD.replace("\"tcp\"", "\"6\""),
          RECORD.replace("\"tcp\"", "17"),
          RECORD.replace("\"tcp\"", "256"),
          RECORD.replace("\"tcp\"", "\"\""),
          RECORD.replace("\"tcp\"", "\"" + "x".repeat(40) + "\""),
          RECORD.replace("\"purge\"", "\"purge_init\""),
          RECORD.replace("\"purge\"", "\"purge_close\""),
          RECORD.replace("\"port_src\": 443", "\"port_src\": 65536"),
          RECORD.replace("\"as_dst\": 64500", "\"as_dst\": 4294967296"),
          RECORD + ", \"x\": 1}",
          RECORD + " x",
          RECORD.replace("}", ",}"),
          RECORD.replace("\"packets\": 12,", "\"packets\": 12,,"),
          RECORD.replace("\"packets\": 12", "\"packets\" 12"),
          RECORD.replace("\"packets\": 12", "\"packets\": 12, \"packets\": 12"),
          RECORD.replace("\"packets\": 12", "\"packets\": null, \"packets\": 12"),
          RECORD.replace("\"packets\": 12", "\"other\": 1, \"other\": 2"),
          RECORD.replace("\"label\"", "\"la\\u0062el\""),
          RECORD.replace("}", ", \"country_ip_src\": \"US\", \"country_ip_dst\": \"de\"}"),
          RECORD.replace("}", ", \"country_ip_src\": \"--\", \"country_ip_dst\": \"ZZ\"}"),
          RECORD.replace("}", ", \"country_ip_src\": 1, \"country_ip_dst\": null}"),
          RECORD.replace("}", ", \"flows\": 3, \"sampling_rate\": 100}"),
          RECORD.substring(0, RECORD.length() - 1),
          RECORD.substring(0, 40),
          "[1, 2]",
          "\"text\"",
          "\uFEFF" + RECORD,
          RECORD + "\n" + RECORD.replace("\"edge1\"", "\"edge2\"") + "\n\n" + withBytes("-1"),
          RECORD + "\r\n" + RECORD + "  \n",
          "{\"bytes\": 1\n{\"bytes\": 2}\n",
          "{\"bytes\": 1,\n\"packets\": 2}",
          "{\"bytes\": 1}\n}",
          "{\"bytes\": 1} {\"bytes\": 2}\n{\"bytes\": 3}",
          "{\"label\": \"a\nb\", \"bytes\": 1}",
          "\n\n  \n" + RECORD + "\n",
          RECORD.replace("\"packets\"", "\"" + "n".repeat(50_000) + "\": 1, \"packets\""),
          RECORD.replace("\"packets\"", "\"" + "n".repeat(50_001) + "\": 1, \"packets\""),
          withNames(COLLIDING.subList(0, 600)),
          withNames(COLLIDING.subList(0, 256 - 15)),
          withNames(COLLIDING.subList(0, 256 - 14)));

  @Test
  void everyLineReadsAsJacksonReadsIt() {
    for (String line : LINES) {
      byte[] message = line.getBytes(StandardCharsets.UTF_8);
      assertThat(Outcomes.of(FLAT, message)).as(line).isEqualTo(Outcomes.of(JACKSON, message));
    }
  }

  @Test
  void aStringReadsAsJacksonReadsItWhereverItsStopFallsInAWord() {
    // The scan for a string's end reads eight bytes at a time from the string's start: a stop at
    // every offset of the first words, in a text value and in a skipped one.
    String[] stops = {"\\\"", "\u0001", "\t", "\n", "\u00e9", "\"", "\\n", "\u007f"};
    for (int at = 0; at < 20; at++) {
      for (String stop : stops) {
        String text = "h".repeat(at) + stop + "x".repeat(11);
        for (String line :
            List.of(
                RECORD.replace("\"edge1\"", "\"" + text + "\""),
                RECORD.replace("\"event_type\"", "\"other\": \"" + text + "\", \"event_type\""))) {
          byte[] message = line.getBytes(StandardCharsets.UTF_8);
          assertThat(Outcomes.of(FLAT, message)).as(line).isEqualTo(Outcomes.of(JACKSON, message));
        }
      }
    }
  }

  @Test
  void aStringCutByTheEndOfTheMessageIsLeftToJacksonWhereverTheCutFalls() {
    // Unterminated strings ending at every offset of the last words: the word-at-a-time scan must
    // stop at the message's end, never read past it.
    String line = RECORD.replace("\"edge1\"", "\"" + "e".repeat(40) + "\"");
    int valueStart = line.indexOf("eeee");
    for (int cut = valueStart; cut <= valueStart + 40; cut++) {
      byte[] message = line.substring(0, cut).getBytes(StandardCharsets.UTF_8);
      assertThat(Outcomes.of(FLAT, message))
          .as(line.substring(0, cut))
          .isEqualTo(Outcomes.of(JACKSON, message));
      assertThat(takes(line.substring(0, cut))).isFalse();
    }
  }

  @Test
  void aWordMayStopTheScanExactlyWhenOneOfItsBytesWould() {
    java.util.Random random = new java.util.Random(17);
    for (int position = 0; position < 8; position++) {
      for (int b = 0; b < 256; b++) {
        for (int fill : new int[] {'a', ' ', '~', 0x21, 0x5d, 0x23, 0x5b}) {
          long w = 0;
          for (int k = 0; k < 8; k++) {
            w |= (long) (k == position ? b : fill) << (8 * k);
          }
          assertThat(FlatLineReader.mayStop(w)).as("%016x", w).isEqualTo(anyStops(w));
        }
      }
    }
    for (int n = 0; n < 200_000; n++) {
      long w = random.nextLong();
      assertThat(FlatLineReader.mayStop(w)).as("%016x", w).isEqualTo(anyStops(w));
      long printable = w & 0x3f3f3f3f3f3f3f3fL | 0x4040404040404040L;
      assertThat(FlatLineReader.mayStop(printable)).isEqualTo(anyStops(printable));
    }
  }

  private static boolean anyStops(long w) {
    for (int k = 0; k < 8; k++) {
      int b = (int) (w >>> (8 * k)) & 0xff;
      if (b == '"' || b == '\\' || b < 0x20 || b > 0x7f) {
        return true;
      }
    }
    return false;
  }

  @Test
  void takesPmacctsOwnLinesAndLeavesTheRestToJackson() {
    assertThat(takes(RECORD)).isTrue();
    assertThat(takes(withOther("-12.5e-3"))).isTrue();
    assertThat(takes(withOther("true"))).isTrue();
    assertThat(takes(RECORD.replace("\"tcp\"", "17"))).isTrue();

    assertThat(takes(withOther("\"a\\\"b\""))).isFalse();
    assertThat(takes(withOther("\"caf\u00e9\""))).isFalse();
    assertThat(takes(withOther("{\"a\": 1}"))).isFalse();
    assertThat(takes(withBytes("-1"))).isFalse();
    assertThat(takes(withBytes("\"9000\""))).isFalse();
    assertThat(takes(RECORD.replace("\"packets\": 12", "\"packets\": 12, \"packets\": 12")))
        .isFalse();
    assertThat(takes(RECORD + " x")).isFalse();
    // RECORD has 15 names.
    assertThat(takes(withNames(COLLIDING.subList(0, 256 - 15)))).isTrue();
    assertThat(takes(withNames(COLLIDING.subList(0, 256 - 14)))).isFalse();
  }

  @Test
  void findsEachFieldByItsBytesAndNoOtherName() {
    for (LineField field : LineField.values()) {
      byte[] b = ("xx\"" + field.jsonName + "\"").getBytes(StandardCharsets.US_ASCII);
      assertThat(LineField.named(b, 3, field.jsonName.length())).isSameAs(field);
      String last = field.jsonName.substring(0, field.jsonName.length() - 1) + "X";
      String first = "X" + field.jsonName.substring(1);
      String middle = field.jsonName.replace('_', '-');
      for (String other : List.of(last, first, field.jsonName + "s", "")) {
        byte[] o = other.getBytes(StandardCharsets.US_ASCII);
        assertThat(LineField.named(o, 0, o.length)).as(other).isNull();
      }
      byte[] m = middle.getBytes(StandardCharsets.US_ASCII);
      assertThat(LineField.named(m, 0, m.length))
          .as(middle)
          .isSameAs(middle.equals(field.jsonName) ? field : null);
    }
  }

  private static boolean takes(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return FlatLineReader.read(b, 0, b.length, new LineFields()) >= 0;
  }
}
