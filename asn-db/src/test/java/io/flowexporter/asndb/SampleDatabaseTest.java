package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's committed sample database loads and says what its committed source list says. */
class SampleDatabaseTest {

  private static final Path DEMO =
      TestDatabases.MODULE_DIR.resolve("../demo/src/main/resources/demo").normalize();
  private static final Path MMDB = DEMO.resolve("sample-asn.mmdb");
  private static final Path CSV = DEMO.resolve("sample-asn.csv");

  @TempDir Path dir;

  @Test
  void committedDatabaseMatchesItsSourceList() throws IOException {
    AsnDatabase db = AsnDatabase.load(MMDB);
    List<String> lines =
        Files.readAllLines(CSV).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();

    assertThat(db.info().type()).isEqualTo("GeoLite2-ASN");
    assertThat(db.info().shape()).isEqualTo(RecordShape.MAXMIND);
    assertThat(lines).hasSizeGreaterThanOrEqualTo(20);
    for (String line : lines) {
      String[] parts = line.split(",", 3);
      long asn = Long.parseLong(parts[1]);
      String name = parts[2].startsWith("\"") ? parts[2].substring(1, parts[2].length() - 1) : parts[2];
      String[] network = parts[0].split("/");
      InetAddress first = InetAddress.getByName(network[0]); // a literal: no DNS
      int bits = first.getAddress().length * 8;
      BigInteger start = new BigInteger(1, first.getAddress());
      BigInteger last = start.add(BigInteger.ONE.shiftLeft(bits - Integer.parseInt(network[1])))
          .subtract(BigInteger.ONE);

      assertThat(db.asnOf(first.getHostAddress())).as(line).isEqualTo(asn);
      assertThat(db.asnOf(text(last, bits))).as(line).isEqualTo(asn);
      assertThat(db.nameOf(asn)).as(line).isEqualTo(name);
    }
    assertThat(db.asnOf("192.0.2.1")).isEqualTo(64500);
    assertThat(db.asnOf("2001:db8::1")).isEqualTo(64500);
    assertThat(db.asnOf("9.9.9.9")).isZero();
  }

  @Test
  void committedDatabaseIsWhatTheScriptWritesFromTheList() throws IOException {
    TestDatabases.requirePerlWriter();
    Path fresh = dir.resolve("sample-asn.mmdb");
    Path script = TestDatabases.MODULE_DIR.resolve("../scripts/make-sample-asn-db.sh").normalize();
    TestDatabases.run(List.of("bash", script.toString(), fresh.toString()));

    assertThat(Files.readAllBytes(fresh))
        .as("sample-asn.mmdb is stale: run scripts/make-sample-asn-db.sh and commit the result")
        .isEqualTo(Files.readAllBytes(MMDB));
  }

  private static String text(BigInteger address, int bits) throws IOException {
    byte[] raw = address.toByteArray();
    byte[] bytes = new byte[bits / 8];
    int copy = Math.min(raw.length, bytes.length);
    System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
    return InetAddress.getByAddress(bytes).getHostAddress();
  }
}
