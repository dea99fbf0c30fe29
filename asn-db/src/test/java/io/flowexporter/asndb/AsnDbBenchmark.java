package io.flowexporter.asndb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Load time, index heap and lookup cost on a synthetic database the size of the real ones. Run with
 * {@code bench/asn-db} from the repository root, not as a test.
 *
 * <p>The database (500,000 IPv4 + 100,000 IPv6 networks, 80,000 ASNs with realistic-looking names,
 * GeoLite2-ASN shape, IPv6 tree with IPv4 aliases like the real file) is written once by the
 * project's perl writer and kept in {@code asn-db/target/bench/}.
 */
public final class AsnDbBenchmark {

  private static final int IPV4_NETWORKS = 500_000;
  private static final int IPV6_NETWORKS = 100_000;
  private static final int ASNS = 80_000;
  private static final String VERSION = "v1"; // change when the generator changes

  private AsnDbBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "asn-db/target/bench");
    Files.createDirectories(dir);
    Path mmdb = dir.resolve("synthetic-asn-" + VERSION + ".mmdb");
    SplittableRandom random = new SplittableRandom(42);
    long[] asns = asns(random);
    String[] names = new String[asns.length];
    for (int i = 0; i < asns.length; i++) {
      names[i] = name(random, i);
    }
    Path csv = dir.resolve("synthetic-asn-" + VERSION + ".csv");
    // every ASN gets at least one IPv4 network
    BenchmarkSupport.Networks networks =
        BenchmarkSupport.writeCsv(
            csv,
            random,
            IPV4_NETWORKS,
            IPV6_NETWORKS,
            (i, ipv6) -> {
              int a = !ipv6 && i < asns.length ? i : random.nextInt(asns.length);
              return asns[a] + "," + names[a];
            });
    BenchmarkSupport.writeOnce(mmdb, csv);

    AsnDatabase db =
        BenchmarkSupport.measureLoad(
            mmdb,
            AsnDatabase::load,
            loaded -> {
              DatabaseInfo info = loaded.info();
              System.out.printf(
                  "%-34s %d IPv4 + %d IPv6 networks, %d ASNs (%d + %d ranges after merging)%n",
                  "loaded",
                  info.ipv4Networks(),
                  info.ipv6Networks(),
                  info.asns(),
                  loaded.ipv4Ranges(),
                  loaded.ipv6Ranges());
            });
    System.out.printf(
        "%-34s %.1f MB (array lengths; names not counted)%n",
        "  of which arrays", db.indexBytes() / 1e6);

    String[] v4 = BenchmarkSupport.addresses(random, networks.ipv4(), false);
    String[] v6 = BenchmarkSupport.addresses(random, networks.ipv6(), true);
    long[] numbers = new long[BenchmarkSupport.LOOKUPS];
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = i % 10 == 0 ? random.nextLong(1, 4_294_967_295L) : asns[random.nextInt(ASNS)];
    }
    BenchmarkSupport.printLookups(
        "asnOf",
        v4,
        v6,
        addresses -> asnOfEach(db, addresses),
        () -> {
          long sum = 0;
          for (long asn : numbers) {
            sum += db.nameOf(asn).length();
          }
          return sum;
        });
  }

  /** One lambda for the three kinds of address, as one call site in the topology. */
  private static LongSupplier asnOfEach(AsnDatabase db, String[] addresses) {
    return () -> {
      long sum = 0;
      for (String address : addresses) {
        sum += db.asnOf(address);
      }
      return sum;
    };
  }

  /** 80,000 distinct ASNs: 16-bit ones and 32-bit ones (some above 2^31, as private ASNs are). */
  private static long[] asns(SplittableRandom random) {
    Set<Long> seen = new HashSet<>();
    long[] asns = new long[ASNS];
    int n = 0;
    while (n < ASNS) {
      int kind = random.nextInt(10);
      long asn =
          kind < 5
              ? random.nextLong(1, 64_496)
              : kind < 9
                  ? random.nextLong(131_072, 420_000)
                  : random.nextLong(4_200_000_000L, 4_294_967_295L);
      if (seen.add(asn)) {
        asns[n++] = asn;
      }
    }
    return asns;
  }

  private static final String[] WORDS = {
    "Global",
    "Metro",
    "Nordic",
    "Pacific",
    "Alpine",
    "Delta",
    "Blue",
    "Rapid",
    "Fiber",
    "Sky",
    "Union",
    "Coastal",
    "Central",
    "Northern",
    "Southern",
    "Prime",
    "Atlas",
    "Vertex",
    "Orbit",
    "Summit",
    "Hansa",
    "Iberia",
    "Lotus",
    "Sakura",
    "Andes",
    "Sahara"
  };
  private static final String[] KINDS = {
    "Telecom",
    "Networks",
    "Internet Services",
    "Communications",
    "Broadband",
    "Hosting",
    "Data Centers",
    "Cable",
    "Online",
    "IT Solutions"
  };
  private static final String[] FORMS = {
    "LLC",
    "Inc.",
    "Ltd",
    "GmbH",
    "S.A.",
    "B.V.",
    "AB",
    "SAS",
    "S.p.A.",
    "Pty Ltd",
    "Sp. z o.o.",
    "K.K.",
    "a.s.",
    "Oy"
  };

  private static String name(SplittableRandom random, int i) {
    return WORDS[random.nextInt(WORDS.length)]
        + " "
        + WORDS[random.nextInt(WORDS.length)]
        + " "
        + KINDS[random.nextInt(KINDS.length)]
        + (i % 7 == 0 ? " " + (i % 1000) : "")
        + " "
        + FORMS[random.nextInt(FORMS.length)];
  }
}
