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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo's committed sample databases load and say what their committed source lists say. */
class SampleDatabaseTest {

  private static final Path DEMO =
      TestDatabases.MODULE_DIR.resolve("../demo/src/main/resources/demo").normalize();
  private static final Path ASN_CSV = DEMO.resolve("sample-asn.csv");
  private static final Path COUNTRY_CSV = DEMO.resolve("sample-country.csv");

  @TempDir Path dir;

  /** What to check of one line of a sample list: its fields, first and last address as text. */
  private interface LineCheck {
    void check(String line, String[] fields, String first, String last);
  }

  @Test
  void committedAsDatabaseMatchesItsSourceList() throws IOException {
    AsnDatabase db = AsnDatabase.load(DEMO.resolve("sample-asn.mmdb"));

    assertThat(db.info().type()).isEqualTo("GeoLite2-ASN");
    assertThat(db.info().shape()).isEqualTo(RecordShape.MAXMIND);
    int lines =
        forEachNetwork(
            ASN_CSV,
            3,
            (line, fields, first, last) -> {
              long asn = Long.parseLong(fields[1]);
              String name =
                  fields[2].startsWith("\"")
                      ? fields[2].substring(1, fields[2].length() - 1)
                      : fields[2];
              assertThat(db.asnOf(first)).as(line).isEqualTo(asn);
              assertThat(db.asnOf(last)).as(line).isEqualTo(asn);
              assertThat(db.nameOf(asn)).as(line).isEqualTo(name);
            });
    assertThat(lines).isGreaterThanOrEqualTo(20);
    assertThat(db.asnOf("192.0.2.1")).isEqualTo(64500);
    assertThat(db.asnOf("2001:db8::1")).isEqualTo(64500);
    assertThat(db.asnOf("9.9.9.9")).isZero();
  }

  @Test
  void committedCountryDatabaseMatchesItsSourceList() throws IOException {
    CountryDatabase db = CountryDatabase.load(DEMO.resolve("sample-country.mmdb"));

    assertThat(db.info().type()).isEqualTo("GeoLite2-Country");
    assertThat(db.info().shape()).isEqualTo(RecordShape.MAXMIND_COUNTRY);
    int lines =
        forEachNetwork(
            COUNTRY_CSV,
            5,
            (line, fields, first, last) -> {
              // network,country_code,country_name,registered_country_code,registered_country_name
              int column = fields[1].isEmpty() ? 3 : 1;
              assertThat(db.countryOf(first)).as(line).isEqualTo(fields[column]);
              assertThat(db.countryOf(last)).as(line).isEqualTo(fields[column]);
              assertThat(db.nameOf(fields[column])).as(line).isEqualTo(fields[column + 1]);
            });
    assertThat(lines).isGreaterThanOrEqualTo(20);
    assertThat(db.countryOf("1.1.1.1")).as("registered country only").isEqualTo("AU");
    assertThat(db.countryOf("192.0.2.1")).isEqualTo("NL");
    assertThat(db.countryOf("9.9.9.9")).isEqualTo("ZZ");
    assertThat(db.info().countries()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void everyNetworkOfTheAsSampleHasACountry() throws IOException {
    CountryDatabase db = CountryDatabase.load(DEMO.resolve("sample-country.mmdb"));

    forEachNetwork(
        ASN_CSV,
        3,
        (line, fields, first, last) -> {
          assertThat(db.countryOf(first)).as(line).isNotEqualTo("ZZ");
          assertThat(db.countryOf(last)).as(line).isNotEqualTo("ZZ");
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "make-sample-asn-db.sh, sample-asn.mmdb",
    "make-sample-country-db.sh, sample-country.mmdb"
  })
  void committedDatabaseIsWhatTheScriptWritesFromTheList(String script, String mmdb)
      throws IOException {
    TestDatabases.requirePerlWriter();
    Path fresh = dir.resolve(mmdb);
    Path path = TestDatabases.MODULE_DIR.resolve("../scripts").resolve(script).normalize();
    TestDatabases.run(List.of("bash", path.toString(), fresh.toString()));

    assertThat(Files.readAllBytes(fresh))
        .as("%s is stale: run scripts/%s and commit the result", mmdb, script)
        .isEqualTo(Files.readAllBytes(DEMO.resolve(mmdb)));
  }

  /** Checks each network line of a sample list (split into {@code columns}); returns the count. */
  private static int forEachNetwork(Path csv, int columns, LineCheck check) throws IOException {
    List<String> lines =
        Files.readAllLines(csv).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    for (String line : lines) {
      String[] fields = line.split(",", columns);
      String[] network = fields[0].split("/");
      InetAddress first = InetAddress.getByName(network[0]); // a literal: no DNS
      int bits = first.getAddress().length * 8;
      BigInteger start = new BigInteger(1, first.getAddress());
      BigInteger last =
          start
              .add(BigInteger.ONE.shiftLeft(bits - Integer.parseInt(network[1])))
              .subtract(BigInteger.ONE);
      check.check(line, fields, first.getHostAddress(), text(last, bits));
    }
    return lines.size();
  }

  private static String text(BigInteger address, int bits) throws IOException {
    byte[] raw = address.toByteArray();
    byte[] bytes = new byte[bits / 8];
    int copy = Math.min(raw.length, bytes.length);
    System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
    return InetAddress.getByAddress(bytes).getHostAddress();
  }
}
