package io.flowexporter.asndb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Load time, index heap and lookup cost of a country database, on synthetic files written once by
 * the project's perl writer and kept in {@code asn-db/target/bench/}. Run with {@code bench/asn-db
 * country} or {@code bench/asn-db city} from the repository root, not as a test; each kind in a
 * fresh JVM.
 *
 * <ul>
 *   <li>{@code country}: the size of GeoLite2-Country (400,000 IPv4 + 100,000 IPv6 networks, 250
 *       countries, neighbouring networks often in one country; 5 % with a registered country only,
 *       5 % with another registered country): few distinct records.
 *   <li>{@code city}: GeoLite2-City's layout (city, location, postal code, subdivisions, names in
 *       two languages) with a record of its own for every one of 250,000 IPv4 + 50,000 IPv6
 *       networks: the decoding work of a real city file's distinct records, which are fewer than
 *       its networks.
 * </ul>
 */
public final class CountryDbBenchmark {

  private static final String VERSION = "v1"; // change when the generator changes

  private CountryDbBenchmark() {}

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "country";
    Path dir = Path.of(args.length > 1 ? args[1] : "asn-db/target/bench");
    boolean city =
        switch (kind) {
          case "country" -> false;
          case "city" -> true;
          default ->
              throw new IllegalArgumentException("usage: CountryDbBenchmark country|city [DIR]");
        };
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(city ? 43 : 44);
    String[] countries = codes(random);
    Path csv = dir.resolve("synthetic-" + kind + "-" + VERSION + ".csv");
    Path mmdb = dir.resolve("synthetic-" + kind + "-" + VERSION + ".mmdb");
    int[] current = {0};
    BenchmarkSupport.Networks networks =
        BenchmarkSupport.writeCsv(
            csv,
            random,
            city ? 250_000 : 400_000,
            city ? 50_000 : 100_000,
            (i, ipv6) -> {
              if (random.nextInt(10) < 3) { // runs of one country, as in real files
                current[0] = random.nextInt(countries.length);
              }
              String code = countries[current[0]];
              String name = "Country " + code;
              int r = random.nextInt(20);
              String registered = r == 0 ? countries[random.nextInt(countries.length)] : code;
              String columns =
                  (r == 1 ? "," : code + "," + name) + "," + registered + ",Country " + registered;
              return city ? columns + ",City " + random.nextInt(20_000) : columns;
            });
    // a city file's data section needs 28-bit records, as GeoLite2-City has
    BenchmarkSupport.writeOnce(
        mmdb,
        csv,
        "--record-size=" + (city ? 28 : 24),
        city ? "--shape=maxmind-city" : "--shape=maxmind-country",
        "--database-type=" + (city ? "GeoLite2-City" : "GeoLite2-Country"));

    CountryDatabase db =
        BenchmarkSupport.measureLoad(
            mmdb,
            CountryDatabase::load,
            loaded -> {
              DatabaseInfo info = loaded.info();
              System.out.printf(
                  "%-34s %d IPv4 + %d IPv6 networks, %d countries (%d + %d ranges after merging)%n",
                  "loaded",
                  info.ipv4Networks(),
                  info.ipv6Networks(),
                  info.countries(),
                  loaded.ipv4Ranges(),
                  loaded.ipv6Ranges());
            });
    System.out.printf(
        "%-34s %.1f MB (array lengths)%n", "  of which arrays", db.indexBytes() / 1e6);

    String[] v4 = BenchmarkSupport.addresses(random, networks.ipv4(), false);
    String[] v6 = BenchmarkSupport.addresses(random, networks.ipv6(), true);
    String[] codes = new String[BenchmarkSupport.LOOKUPS];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = db.countryOf(v4[i]); // what the topology asks names of
    }
    BenchmarkSupport.printLookups(
        "countryOf",
        v4,
        v6,
        addresses -> countryOfEach(db, addresses),
        () -> {
          long sum = 0;
          for (String code : codes) {
            sum += db.nameOf(code).length();
          }
          return sum;
        });
  }

  /** One lambda for the three kinds of address, as one call site in the topology. */
  private static LongSupplier countryOfEach(CountryDatabase db, String[] addresses) {
    return () -> {
      long sum = 0;
      for (String address : addresses) {
        sum += db.countryOf(address).charAt(1);
      }
      return sum;
    };
  }

  /** 250 distinct two-letter codes, none ZZ. */
  private static String[] codes(SplittableRandom random) {
    Set<String> codes = new LinkedHashSet<>();
    while (codes.size() < 250) {
      String code = "" + (char) ('A' + random.nextInt(26)) + (char) ('A' + random.nextInt(26));
      if (!code.equals("ZZ")) {
        codes.add(code);
      }
    }
    return codes.toArray(new String[0]);
  }
}
