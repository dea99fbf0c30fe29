package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.assertThat;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our tree walker and index against MaxMind's own reader, on random databases written by MaxMind's
 * own writer: the same networks in the same order, and the same AS or country for random addresses.
 */
class MaxMindReaderCrossCheckTest {

  /** Countries for random country databases, with made-up names (one with a comma). */
  private static final String[][] COUNTRIES = {
    {"US", "United States"},
    {"DE", "Germany"},
    {"FR", "France"},
    {"GB", "United Kingdom"},
    {"JP", "Japan"},
    {"BR", "Brazil"},
    {"IN", "India"},
    {"ZA", "South Africa"},
    {"AU", "Australia"},
    {"CH", "Switzerland"},
    {"SE", "Sweden"},
    {"KR", "Korea, Republic of"},
    {"XK", "Kosovo"},
    {"CN", "China"},
    {"NL", "Netherlands"},
    {"AR", "Argentina"},
    {"EG", "Egypt"},
    {"ZZ", ""}
  };

  /** Networks whose addresses are in no country, whatever the file says (224/3: 224/4 and up). */
  private static final String[] RESERVED_IPV4 = {
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/3"
  };

  @TempDir Path dir;

  @ParameterizedTest(name = "record size {0}, {1}")
  @CsvSource({
    "24, --ip-version=6", "28, --ip-version=6", "32, --ip-version=6",
    "24, --ip-version=4", "28, --ip-version=4", "24, --no-alias"
  })
  void sameNetworksAndAnswersAsMaxMindsReader(int recordSize, String option) throws Exception {
    SplittableRandom random = new SplittableRandom(recordSize * 31L + option.hashCode());
    String csv =
        randomNetworks(
            random,
            option,
            i -> {
              long asn =
                  random.nextInt(20) == 0
                      ? random.nextLong(4_200_000_000L, 4_294_967_295L)
                      : random.nextLong(1, 70_000);
              return asn + ",AS " + asn + " name";
            });
    Path file = TestDatabases.write(dir, "random.mmdb", csv, "--record-size=" + recordSize, option);

    try (Reader reader = new Reader(file.toFile())) {
      Function<Map<?, ?>, Object> asn = record -> record.get("autonomous_system_number");
      assertThat(walkerNetworks(reader, file, asn)).isEqualTo(maxmindNetworks(reader, asn));

      AsnDatabase db = AsnDatabase.load(file);
      int found = 0;
      for (int i = 0; i < 20_000; i++) {
        String text = randomAddress(random, option);
        long expected = expectedAsn(reader, text, "autonomous_system_number");
        assertThat(db.asnOf(text)).as(text).isEqualTo(expected);
        if (expected != 0) {
          found++;
          assertThat(db.nameOf(expected)).isEqualTo("AS " + expected + " name");
        }
      }
      assertThat(found).as("addresses that hit a network").isGreaterThan(5_000);
    }
  }

  /**
   * Random country databases: a country that differs from the registered one, a registered country
   * only, no name, ZZ; IPinfo Lite's file checked as an AS database too.
   */
  @ParameterizedTest(name = "{0}, record size {1}, {2}")
  @CsvSource({
    "maxmind-country, 24, --ip-version=6", "maxmind-city, 28, --ip-version=6",
    "dbip-country, 32, --ip-version=6", "dbip-city, 24, --no-alias",
    "ipinfo-lite, 28, --ip-version=6", "maxmind-country, 24, --ip-version=4"
  })
  void sameCountriesAsMaxMindsReader(String shape, int recordSize, String option) throws Exception {
    SplittableRandom random = new SplittableRandom(shape.hashCode() * 31L + recordSize);
    boolean ipinfo = shape.equals("ipinfo-lite");
    String csv =
        randomNetworks(
            random,
            option,
            i -> {
              String[] country = COUNTRIES[random.nextInt(COUNTRIES.length)];
              String name = random.nextInt(30) == 0 ? "" : '"' + country[1] + '"';
              if (ipinfo) {
                long asn = random.nextLong(1, 70_000);
                return country[0]
                    + ","
                    + name
                    + ","
                    + (random.nextInt(10) == 0 ? "," : asn + ",AS" + asn);
              }
              String[] registered =
                  random.nextInt(4) == 0 ? COUNTRIES[random.nextInt(COUNTRIES.length)] : country;
              String code = random.nextInt(8) == 0 ? "" : country[0]; // registered country only
              return code + "," + name + "," + registered[0] + ",\"" + registered[1] + '"';
            });
    Path file =
        TestDatabases.write(
            dir, "random.mmdb", csv, "--shape=" + shape, "--record-size=" + recordSize, option);

    try (Reader reader = new Reader(file.toFile())) {
      Function<Map<?, ?>, Object> code = record -> expectedCountry(record)[0];
      assertThat(walkerNetworks(reader, file, code)).isEqualTo(maxmindNetworks(reader, code));

      CountryDatabase db = CountryDatabase.load(file);
      AsnDatabase asns = ipinfo ? AsnDatabase.load(file) : null;
      int found = 0;
      for (int i = 0; i < 20_000; i++) {
        String text = randomAddress(random, option);
        InetAddress address = InetAddress.getByName(text); // a literal: no DNS
        Map<?, ?> record = reader.get(address, Map.class);
        String[] expected =
            record == null || privateOrReserved(address, option)
                ? new String[] {"ZZ", "Unknown"}
                : expectedCountry(record);
        assertThat(db.countryOf(text)).as(text).isEqualTo(expected[0]);
        if (!expected[0].equals("ZZ")) {
          found++;
          if (!expected[1].isEmpty()) {
            // the first record with a name for the code named it: each code has one name here
            assertThat(db.nameOf(expected[0])).as(text).isEqualTo(expected[1]);
          }
        }
        if (asns != null) {
          assertThat(asns.asnOf(text)).as(text).isEqualTo(expectedAsn(reader, text, "asn"));
        }
      }
      assertThat(found).as("addresses that hit a country").isGreaterThan(4_000);
    }
  }

  /**
   * Whether the country database must answer ZZ whatever the file says: for the private and
   * reserved IPv4 networks, and for the IPv6 addresses that are looked up as one of them (Java
   * parses IPv4-mapped addresses as IPv4). The random IPv6 addresses are all in 2000::/4, where
   * only the 6to4 and Teredo aliases lead to IPv4.
   */
  private static boolean privateOrReserved(InetAddress address, String option) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 16) {
      boolean aliased = !option.equals("--no-alias");
      boolean sixToFour = bytes[0] == 0x20 && bytes[1] == 0x02;
      boolean teredo = bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0 && bytes[3] == 0;
      if (!aliased || !(sixToFour || teredo)) {
        return false;
      }
      bytes = sixToFour ? Arrays.copyOfRange(bytes, 2, 6) : Arrays.copyOfRange(bytes, 4, 8);
    }
    long ipv4 = Integer.toUnsignedLong(ByteBuffer.wrap(bytes).getInt());
    for (String network : RESERVED_IPV4) {
      String[] parts = network.split("/");
      long start = Integer.toUnsignedLong(ByteBuffer.wrap(ipv4Bytes(parts[0])).getInt());
      int shift = 32 - Integer.parseInt(parts[1]);
      if (ipv4 >>> shift == start >>> shift) {
        return true;
      }
    }
    return false;
  }

  private static byte[] ipv4Bytes(String dottedQuad) {
    String[] octets = dottedQuad.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      bytes[i] = (byte) Integer.parseInt(octets[i]);
    }
    return bytes;
  }

  /** The country code and English name maxmind-db's record gives, with the fallbacks. */
  private static String[] expectedCountry(Map<?, ?> record) {
    if (record.get("country_code") instanceof String code) {
      return new String[] {code, record.get("country") instanceof String n ? n : ""};
    }
    Map<?, ?> country = (Map<?, ?>) record.get("country");
    boolean twoLetters =
        country != null
            && country.get("iso_code") instanceof String code
            && code.matches("[A-Za-z]{2}");
    if (!twoLetters && record.get("registered_country") != null) {
      country = (Map<?, ?>) record.get("registered_country");
    }
    if (country == null) {
      return new String[] {"ZZ", "Unknown"};
    }
    Map<?, ?> names = (Map<?, ?>) country.get("names");
    return new String[] {
      (String) country.get("iso_code"), names == null ? "" : (String) names.get("en")
    };
  }

  private static long expectedAsn(Reader reader, String address, String field) throws IOException {
    Map<?, ?> record = reader.get(InetAddress.getByName(address), Map.class); // a literal: no DNS
    Object asn = record == null ? null : record.get(field);
    return asn instanceof Number number
        ? number.longValue()
        : asn instanceof String text ? Long.parseLong(text.substring(2)) : 0;
  }

  /**
   * About 3,000 random networks, one a line: the network, then what {@code columns} gives.
   * Overlapping networks are fine: the writer splits the earlier one.
   */
  private static String randomNetworks(
      SplittableRandom random, String option, IntFunction<String> columns) {
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      if (i % 3 != 0 || option.equals("--ip-version=4")) {
        int prefix = random.nextInt(8, 33);
        long address = random.nextLong(0x0100_0000L, 0xE000_0000L) & (-1L << (32 - prefix));
        csv.append(
            String.format(
                "%d.%d.%d.%d/%d,%s%n",
                address >>> 24,
                (address >>> 16) & 255,
                (address >>> 8) & 255,
                address & 255,
                prefix,
                columns.apply(i)));
      } else {
        int prefix = random.nextInt(19, 65);
        long hi = (0x2000_0000_0000_0000L | random.nextLong(1L << 60)) & (-1L << (64 - prefix));
        if ((hi >>> 48) == 0x2001 || (hi >>> 48) == 0x2002) {
          continue; // aliased to IPv4 by the writer
        }
        csv.append(
            String.format(
                "%x:%x:%x:%x::/%d,%s%n",
                hi >>> 48,
                (hi >>> 32) & 0xFFFF,
                (hi >>> 16) & 0xFFFF,
                hi & 0xFFFF,
                prefix,
                columns.apply(i)));
      }
    }
    return csv.toString();
  }

  private static List<String> maxmindNetworks(Reader reader, Function<Map<?, ?>, Object> value)
      throws Exception {
    List<String> out = new ArrayList<>();
    @SuppressWarnings({"rawtypes", "unchecked"})
    Networks<Map<String, Object>> networks = (Networks) reader.networks(false, Map.class);
    while (networks.hasNext()) {
      DatabaseRecord<Map<String, Object>> record = networks.next();
      out.add(record.network() + " " + value.apply(record.data()));
    }
    return out;
  }

  private static List<String> walkerNetworks(
      Reader reader, Path file, Function<Map<?, ?>, Object> value) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    var metadata = reader.getMetadata();
    MmdbWalker walker =
        new MmdbWalker(
            bytes,
            metadata.nodeCount(),
            metadata.recordSize(),
            metadata.ipVersion(),
            MmdbWalker.Fields.ALL);
    List<String> out = new ArrayList<>();
    List<Map<String, Object>> records = new ArrayList<>();
    walker.walk(
        new MmdbWalker.Sink() {
          @Override
          public void record(int record, Map<String, Object> data) {
            assertThat(record).isEqualTo(records.size());
            records.add(data);
          }

          @Override
          public void network(boolean ipv4, long hi, long lo, int prefix, int record) {
            byte[] address =
                ipv4
                    ? ByteBuffer.allocate(4).putInt((int) lo).array()
                    : ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
            try {
              out.add(
                  InetAddress.getByAddress(address).getHostAddress()
                      + "/"
                      + prefix
                      + " "
                      + value.apply(records.get(record)));
            } catch (IOException e) {
              throw new AssertionError(e);
            }
          }
        });
    return out;
  }

  /** Mostly addresses inside the listed networks (and their edges), some anywhere. */
  private static String randomAddress(SplittableRandom random, String option) {
    boolean v6 = !option.equals("--ip-version=4") && random.nextInt(3) == 0;
    if (v6) {
      long hi = 0x2000_0000_0000_0000L | random.nextLong(1L << 60);
      return String.format(
          "%x:%x:%x:%x::%x",
          hi >>> 48,
          (hi >>> 32) & 0xFFFF,
          (hi >>> 16) & 0xFFFF,
          hi & 0xFFFF,
          random.nextInt(0x10000));
    }
    long address = random.nextLong(0, 1L << 32);
    String text =
        (address >>> 24)
            + "."
            + ((address >>> 16) & 255)
            + "."
            + ((address >>> 8) & 255)
            + "."
            + (address & 255);
    return random.nextInt(4) == 0 ? "::ffff:" + text : text;
  }
}
