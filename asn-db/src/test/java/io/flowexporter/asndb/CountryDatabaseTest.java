package io.flowexporter.asndb;

import static io.flowexporter.asndb.TestDatabases.COUNTRIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CountryDatabaseTest {

  @TempDir Path dir;

  private CountryDatabase load(String csv, String... options) throws IOException {
    return CountryDatabase.load(TestDatabases.write(dir, "country.mmdb", csv, options));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"maxmind-country", "maxmind-city", "dbip-country", "dbip-city"})
  void countriesOfIpv4AndIpv6Addresses(String shape) throws IOException {
    CountryDatabase db = load(COUNTRIES, "--shape=" + shape);

    assertThat(db.info().shape()).isEqualTo(RecordShape.MAXMIND_COUNTRY);
    assertThat(db.countryOf("8.8.8.8")).isEqualTo("US");
    assertThat(db.countryOf("8.8.8.0")).isEqualTo("US");
    assertThat(db.countryOf("8.8.8.255")).isEqualTo("US");
    assertThat(db.countryOf("8.8.9.0")).isEqualTo("ZZ");
    assertThat(db.countryOf("2001:4860:4860::8888")).isEqualTo("US");
    assertThat(db.countryOf("2001:4861::")).isEqualTo("ZZ");
    assertThat(db.countryOf("1.1.1.1")).as("country wins over registered_country").isEqualTo("AU");
    assertThat(db.countryOf("2606:4700::1111")).isEqualTo("US");
    assertThat(db.countryOf("81.2.69.160")).isEqualTo("GB");
    assertThat(db.countryOf("::ffff:81.2.69.160")).isEqualTo("GB");
    assertThat(db.countryOf("2001:db8::1")).isEqualTo("KR");
    assertThat(db.nameOf("US")).isEqualTo("United States");
    assertThat(db.nameOf("AU")).isEqualTo("Australia");
    assertThat(db.nameOf("KR")).isEqualTo("Korea, Republic of");
    assertThat(db.nameOf("GB")).isEqualTo("United Kingdom");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"maxmind-country", "maxmind-city"})
  void registeredCountryWhenTheRecordHasNoCountry(String shape) throws IOException {
    CountryDatabase db = load(COUNTRIES, "--shape=" + shape);

    assertThat(db.countryOf("2a02:ff0::1")).isEqualTo("DE");
    assertThat(db.countryOf("193.0.7.255")).isEqualTo("NL");
    assertThat(db.nameOf("DE")).isEqualTo("Germany");
    assertThat(db.nameOf("NL")).isEqualTo("Netherlands");
    assertThat(db.info().countries()).isEqualTo(7); // US AU GB DE NL XK KR
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"maxmind-country", "maxmind-city"})
  void registeredCountryWhenTheCountryCodeIsNotTwoLetters(String shape) throws IOException {
    String csv =
        """
        192.0.2.0/24,X1,Nowhere,NL,Netherlands
        198.51.100.0/24,USA,United States,US,United States
        203.0.113.0/24,ZZ,Unknown,DE,Germany
        2001:db8::/32,X1,Nowhere
        """;
    CountryDatabase db = load(csv, "--shape=" + shape);

    assertThat(db.countryOf("192.0.2.1")).isEqualTo("NL");
    assertThat(db.nameOf("NL")).as("the registered country's name").isEqualTo("Netherlands");
    assertThat(db.countryOf("198.51.100.1")).isEqualTo("US");
    assertThat(db.countryOf("203.0.113.1")).as("ZZ is a code: no country").isEqualTo("ZZ");
    assertThat(db.countryOf("2001:db8::1")).as("no registered country").isEqualTo("ZZ");
    assertThat(db.info().countries()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dbip-country", "dbip-city"})
  void dbIpHasNoRegisteredCountry(String shape) throws IOException {
    CountryDatabase db = load(COUNTRIES, "--shape=" + shape);

    assertThat(db.countryOf("2a02:ff0::1")).isEqualTo("ZZ");
    assertThat(db.countryOf("193.0.7.255")).isEqualTo("ZZ");
    assertThat(db.nameOf("DE")).as("not in the database: the JDK's name").isEqualTo("Germany");
    assertThat(db.info().countries()).isEqualTo(5); // US AU GB XK KR
  }

  @Test
  void ipinfoLiteIsACountryDatabase() throws IOException {
    CountryDatabase db = load(TestDatabases.IPINFO_LITE, "--shape=ipinfo-lite");

    assertThat(db.info().shape()).isEqualTo(RecordShape.IPINFO_COUNTRY);
    assertThat(db.info().type()).isEqualTo("ipinfo ipinfo_lite.mmdb");
    assertThat(db.countryOf("8.8.8.8")).isEqualTo("US");
    assertThat(db.countryOf("1.1.1.1")).isEqualTo("AU");
    assertThat(db.countryOf("2a02:ff0::1")).as("a network without an AS").isEqualTo("DE");
    assertThat(db.countryOf("2001:db8::1")).isEqualTo("KR");
    assertThat(db.countryOf("198.51.100.1")).isEqualTo("ZZ");
    assertThat(db.nameOf("KR")).isEqualTo("Korea, Republic of");
    assertThat(db.nameOf("NL")).isEqualTo("Netherlands");
    assertThat(db.nameOf("XK")).isEqualTo("XK");
    assertThat(db.info().countries()).isEqualTo(7);
  }

  @Test
  void ipinfoLiteIsAlsoAnAsDatabase() throws IOException {
    Path file =
        TestDatabases.write(
            dir, "ipinfo_lite.mmdb", TestDatabases.IPINFO_LITE, "--shape=ipinfo-lite");
    AsnDatabase asns = AsnDatabase.load(file);
    CountryDatabase countries = CountryDatabase.load(file);

    assertThat(asns.info().shape()).isEqualTo(RecordShape.IPINFO);
    assertThat(asns.asnOf("1.1.1.1")).isEqualTo(13335);
    assertThat(asns.nameOf(13335)).isEqualTo("Cloudflare, Inc.");
    assertThat(asns.asnOf("2001:db8::1")).isEqualTo(64500);
    assertThat(asns.nameOf(3333))
        .isEqualTo("Reseaux IP Europeens Network Coordination Centre (RIPE NCC)");
    assertThat(asns.asnOf("2a02:ff0::1")).as("a network without an AS").isZero();
    assertThat(asns.info().asns()).isEqualTo(5);
    assertThat(countries.countryOf("1.1.1.1")).isEqualTo("AU");
  }

  @Test
  void unknownPrivateAndGarbageAreZz() throws IOException {
    CountryDatabase db = load(COUNTRIES, "--shape=maxmind-country");

    for (String text :
        Arrays.asList(
            null,
            "",
            "9.9.9.9",
            "0.0.0.0",
            "::",
            "::1",
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "169.254.1.1",
            "fd00::1",
            "fe80::1%eth0",
            "ff02::1",
            "198.51.100.7",
            "garbage",
            "8.8.8",
            "8.8.8.8.8",
            "8.8.8.256",
            " 8.8.8.8",
            "8.8.8.8 ",
            "example.com",
            "2001:4860::1::2",
            "[2001:4860::1]",
            "g::1",
            ":",
            ":::",
            "US")) {
      assertThat(db.countryOf(text)).as("%s", text).isEqualTo("ZZ");
    }
  }

  @Test
  void privateAndReservedAddressesAreZzEvenWhereTheDatabaseMapsThem() throws IOException {
    // A custom database that puts every IPv4 address, 10.0.0.0/8 and fd00::/8 in a country
    String csv =
        """
        0.0.0.0/1,FR,France
        128.0.0.0/1,FR,France
        10.0.0.0/8,DE,Germany
        fd00::/8,DE,Germany
        fe80::/10,DE,Germany
        ff00::/8,DE,Germany
        2a00::/8,DE,Germany
        f800::/6,DE,Germany
        fe00::/9,DE,Germany
        fec0::/10,DE,Germany
        """;
    CountryDatabase db = load(csv, "--shape=maxmind-country");

    for (String text :
        Arrays.asList(
            "10.0.0.0",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.0.1",
            "192.168.255.255",
            "127.0.0.1",
            "169.254.0.1",
            "169.254.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.255.255.255",
            "224.0.0.1",
            "239.255.255.255",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fd00::1",
            "fc00::1",
            "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fe80::1",
            "fe80::1%eth0",
            "febf:ffff::1",
            "ff02::1",
            "::ffff:10.1.2.3",
            "::ffff:192.168.1.1",
            "::ffff:127.0.0.1",
            "::ffff:224.0.0.1",
            "::10.1.2.3", // IPv4-compatible
            "2002:a01:203::1", // 6to4 of 10.1.2.3
            "2001:0:a01:203::1")) { // Teredo, server 10.1.2.3
      assertThat(db.countryOf(text)).as("%s", text).isEqualTo("ZZ");
    }
    // their public neighbours are still looked up
    for (String text :
        Arrays.asList(
            "9.255.255.255",
            "11.0.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "192.169.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "1.0.0.0",
            "223.255.255.255",
            "::ffff:11.0.0.1",
            "::ffff:8.8.8.8",
            "2002:808:808::1")) { // 6to4 of 8.8.8.8
      assertThat(db.countryOf(text)).as("%s", text).isEqualTo("FR");
    }
    for (String text : Arrays.asList("2a00::1", "fbff:ffff::1", "fe00::1", "fe7f::1", "fec0::1")) {
      assertThat(db.countryOf(text)).as("%s", text).isEqualTo("DE");
    }
  }

  @Test
  void names() throws IOException {
    CountryDatabase db = load(COUNTRIES, "--shape=maxmind-country");

    assertThat(db.nameOf("ZZ")).isEqualTo("Unknown");
    assertThat(db.nameOf("zz")).isEqualTo("Unknown");
    assertThat(db.nameOf(null)).isEqualTo("Unknown");
    assertThat(db.nameOf("")).isEqualTo("Unknown");
    assertThat(db.nameOf("us")).isEqualTo("United States");
    assertThat(db.nameOf("XK")).as("in the database without a name").isEqualTo("XK");
    assertThat(db.nameOf("FR")).as("not in the database: the JDK's name").isEqualTo("France");
    assertThat(db.nameOf("fr")).isEqualTo("France");
    assertThat(db.nameOf("USA")).isEqualTo("USA");
    assertThat(db.nameOf("U1")).isEqualTo("U1");
    assertThat(db.countryOf("203.0.113.9")).isEqualTo("XK");
  }

  @Test
  void namesInEnglishFromTheFirstRecordThatHasOne() throws IOException {
    String csv =
        """
        192.0.2.0/25,FR,
        192.0.2.128/25,FR,France
        198.51.100.0/24,FR,Frankreich
        """;
    CountryDatabase db = load(csv, "--shape=maxmind-city", "--ip-version=4");

    assertThat(db.nameOf("FR")).isEqualTo("France"); // written with names.de = "France (de)"
    assertThat(db.ipv4Ranges()).as("neighbours of one country merged").isEqualTo(2);
    assertThat(db.info().countries()).isEqualTo(1);
  }

  @Test
  void codesAreUpperCasedAndBadCodesAreZz() throws IOException {
    String csv =
        """
        192.0.2.0/24,de,Germany
        198.51.100.0/24,X1,Nowhere
        203.0.113.0/24,USA,United States
        2001:db8::/32,a,A
        """;
    CountryDatabase db = load(csv, "--shape=maxmind-country");

    assertThat(db.countryOf("192.0.2.1")).isEqualTo("DE");
    assertThat(db.nameOf("DE")).isEqualTo("Germany");
    assertThat(db.countryOf("198.51.100.1")).isEqualTo("ZZ");
    assertThat(db.countryOf("203.0.113.1")).isEqualTo("ZZ");
    assertThat(db.countryOf("2001:db8::1")).isEqualTo("ZZ");
    assertThat(db.info().countries()).isEqualTo(1);
  }

  @Test
  void ipv4OnlyTree() throws IOException {
    CountryDatabase db = load(COUNTRIES, "--shape=maxmind-country", "--ip-version=4");

    assertThat(db.countryOf("8.8.8.8")).isEqualTo("US");
    assertThat(db.countryOf("::ffff:8.8.8.8")).isEqualTo("US");
    assertThat(db.countryOf("2001:4860::1")).isEqualTo("ZZ");
    assertThat(db.info().ipv6Networks()).isZero();
  }

  @Test
  void infoAndItsLogDescribeTheFile() throws IOException {
    Path file =
        TestDatabases.write(
            dir,
            "GeoLite2-City.mmdb",
            COUNTRIES,
            "--shape=maxmind-city",
            "--build-epoch=1700000000");
    DatabaseInfo info = CountryDatabase.load(file).info();

    assertThat(info.path()).isEqualTo(file);
    assertThat(info.type()).isEqualTo("GeoLite2-City");
    assertThat(info.buildEpoch()).isEqualTo(1_700_000_000L);
    assertThat(info.shape()).isEqualTo(RecordShape.MAXMIND_COUNTRY);
    assertThat(info.shape().kind()).isEqualTo(RecordShape.Kind.COUNTRY);
    assertThat(info.ipv4Networks()).isEqualTo(6);
    assertThat(info.ipv6Networks()).isEqualTo(4);
    assertThat(info.countries()).isEqualTo(7);
    assertThat(info.asns()).isZero();
    assertThat(info.loadMillis()).isNotNegative();
  }

  @Test
  void anAsDatabaseIsRefusedWithTheFieldsItHas() throws IOException {
    Path file = TestDatabases.write(dir, "GeoLite2-ASN.mmdb", TestDatabases.SAMPLE);

    assertThatThrownBy(() -> CountryDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(
            file
                + ": no country fields (country.iso_code, registered_country.iso_code,"
                + " country_code); its records have autonomous_system_number,"
                + " autonomous_system_organization");
  }

  @Test
  void aCountryDatabaseIsRefusedAsAnAsDatabase() throws IOException {
    Path file =
        TestDatabases.write(dir, "GeoLite2-Country.mmdb", COUNTRIES, "--shape=maxmind-country");

    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessageStartingWith(
            file + ": unknown record shape: found fields [country, registered_country];");
  }

  @Test
  void damagedAndMissingFilesAreRefusedAsForAsDatabases() throws IOException {
    Path missing = dir.resolve("nope.mmdb");
    assertThatThrownBy(() -> CountryDatabase.load(missing))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(missing + ": no such file");

    byte[] whole =
        java.nio.file.Files.readAllBytes(
            TestDatabases.write(dir, "country.mmdb", COUNTRIES, "--shape=maxmind-city"));
    Path cut = dir.resolve("cut.mmdb");
    java.nio.file.Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> CountryDatabase.load(cut))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessageStartingWith(cut + ": ");
  }

  @Test
  void emptyLookupKnowsNoCountry() {
    assertThat(CountryLookup.EMPTY.countryOf("8.8.8.8")).isEqualTo("ZZ");
    assertThat(CountryLookup.EMPTY.countryOf(null)).isEqualTo("ZZ");
    assertThat(CountryLookup.EMPTY.nameOf("ZZ")).isEqualTo("Unknown");
    assertThat(CountryLookup.EMPTY.nameOf("de")).isEqualTo("Germany");
  }

  @Test
  void lookupsAllocateNothing() throws IOException {
    CountryDatabase db = load(COUNTRIES, "--shape=maxmind-country");
    String[] addresses = {
      "8.8.8.8", "2001:4860::8888", "::ffff:1.1.1.1", "9.9.9.9", "garbage", "10.1.2.3", "fd00::1"
    };
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (int warm = 0; warm < 20_000; warm++) {
      sum += db.countryOf(addresses[warm % addresses.length]).length();
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      String code = db.countryOf(addresses[i % addresses.length]);
      sum += db.nameOf(code).length();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(sum).isPositive();
    assertThat(allocated).as("bytes allocated by 100,000 lookups").isLessThan(10_000);
  }

  @Test
  void countriesWithoutANameOfTheirOwnAreNamedInEnglishByTheJdk() {
    // pmacct's fields alone (no --country-db)
    assertThat(CountryLookup.EMPTY.nameOf("DE")).isEqualTo("Germany");
    assertThat(CountryLookup.EMPTY.nameOf("us")).isEqualTo("United States");
    assertThat(CountryLookup.EMPTY.nameOf("ZZ")).isEqualTo(CountryLookup.UNKNOWN_NAME);
    // user-assigned codes have no name: the code
    assertThat(CountryLookup.EMPTY.nameOf("QM")).isEqualTo("QM");
    assertThat(CountryLookup.EMPTY.nameOf("Q1")).isEqualTo("Q1");
  }
}
