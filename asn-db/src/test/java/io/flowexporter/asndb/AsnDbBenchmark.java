package io.flowexporter.asndb;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Load time, index heap and lookup cost on a synthetic database the size of the real ones.
 * Run with {@code bench/asn-db} from the repository root, not as a test.
 *
 * <p>The database (500,000 IPv4 + 100,000 IPv6 networks, 80,000 ASNs with realistic-looking
 * names, GeoLite2-ASN shape, IPv6 tree with IPv4 aliases like the real file) is written once by
 * the project's perl writer and kept in {@code asn-db/target/bench/}.
 */
public final class AsnDbBenchmark {

  private static final int IPV4_NETWORKS = 500_000;
  private static final int IPV6_NETWORKS = 100_000;
  private static final int ASNS = 80_000;
  private static final int LOOKUPS = 2_000_000;
  private static final String VERSION = "v1"; // change when the generator changes

  private static long sink; // keeps lookups from being optimised away

  private AsnDbBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "asn-db/target/bench");
    Files.createDirectories(dir);
    Path mmdb = dir.resolve("synthetic-asn-" + VERSION + ".mmdb");
    SplittableRandom random = new SplittableRandom(42);
    long[] asns = asns(random);
    List<long[]> ipv4 = new ArrayList<>();
    List<long[]> ipv6 = new ArrayList<>();
    Path csv = dir.resolve("synthetic-asn-" + VERSION + ".csv");
    writeCsv(csv, random, asns, ipv4, ipv6);
    if (!Files.exists(mmdb)) {
      System.out.printf("writing %s with the perl writer (about 30 s, once)...%n", mmdb);
      long t = System.nanoTime();
      Path tmp = dir.resolve(mmdb.getFileName() + ".tmp");
      TestDatabases.run(List.of("perl", TestDatabases.SCRIPT.toString(), "--build-epoch=1767225600",
          csv.toString(), tmp.toString()));
      Files.move(tmp, mmdb);
      System.out.printf("  written in %.1f s%n", (System.nanoTime() - t) / 1e9);
    }

    System.out.printf("%n%-34s %s (%.1f MB)%n", "file", mmdb, Files.size(mmdb) / 1e6);
    // start the logging backend now, so that its set-up is not counted as load time
    org.slf4j.LoggerFactory.getLogger(AsnDbBenchmark.class).info("benchmark starts");
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    long t0 = System.nanoTime();
    AsnDatabase db = AsnDatabase.load(mmdb);
    long firstLoad = System.nanoTime() - t0;
    long after = usedAfterGc(memory);
    DatabaseInfo info = db.info();
    System.out.printf("%-34s %d IPv4 + %d IPv6 networks, %d ASNs (%d + %d ranges after merging)%n",
        "loaded", info.ipv4Networks(), info.ipv6Networks(), info.asns(), db.ipv4Ranges(),
        db.ipv6Ranges());
    System.out.printf("%-34s %d ms (DatabaseInfo.loadMillis %d ms)%n",
        "load time, first (cold JVM)", firstLoad / 1_000_000, info.loadMillis());
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      AsnDatabase again = AsnDatabase.load(mmdb);
      best = Math.min(best, System.nanoTime() - t);
      sink += again.info().asns();
    }
    System.out.printf("%-34s %d ms%n", "load time, best of 3 more (warm)", best / 1_000_000);
    System.out.printf("%-34s %.1f MB (GC + MemoryMXBean, before/after)%n", "heap held by the index",
        (after - before) / 1e6);
    System.out.printf("%-34s %.1f MB (array lengths; names not counted)%n", "  of which arrays",
        db.indexBytes() / 1e6);

    String[] v4 = addresses(random, ipv4, false);
    String[] v6 = addresses(random, ipv6, true);
    String[] mapped = new String[v4.length];
    for (int i = 0; i < v4.length; i++) {
      mapped[i] = "::ffff:" + v4[i];
    }
    long[] names = new long[LOOKUPS];
    for (int i = 0; i < names.length; i++) {
      names[i] = i % 10 == 0 ? random.nextLong(1, 4_294_967_295L) : asns[random.nextInt(ASNS)];
    }
    System.out.printf("%-34s %s%n", "lookups", String.format(Locale.ROOT,
        "%,d random addresses per kind (90%% in the database), best of 5 rounds after 3 warm-up",
        LOOKUPS));
    System.out.printf("%-34s %.0f ns%n", "asnOf IPv4 (\"a.b.c.d\")", nsPerLookup(db, v4));
    System.out.printf("%-34s %.0f ns%n", "asnOf IPv6 (compressed text)", nsPerLookup(db, v6));
    System.out.printf("%-34s %.0f ns%n", "asnOf IPv4-mapped (\"::ffff:a.b.c.d\")",
        nsPerLookup(db, mapped));
    System.out.printf("%-34s %.0f ns%n", "nameOf", nsPerName(db, names));
    System.out.printf("%-34s %d%n", "(checksum)", sink);
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double nsPerLookup(AsnDatabase db, String[] addresses) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 8; round++) {
      long t = System.nanoTime();
      long sum = 0;
      for (String address : addresses) {
        sum += db.asnOf(address);
      }
      long elapsed = System.nanoTime() - t;
      sink += sum;
      if (round >= 3) {
        best = Math.min(best, (double) elapsed / addresses.length);
      }
    }
    return best;
  }

  private static double nsPerName(AsnDatabase db, long[] asns) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 8; round++) {
      long t = System.nanoTime();
      long sum = 0;
      for (long asn : asns) {
        sum += db.nameOf(asn).length();
      }
      long elapsed = System.nanoTime() - t;
      sink += sum;
      if (round >= 3) {
        best = Math.min(best, (double) elapsed / asns.length);
      }
    }
    return best;
  }

  /** 80,000 distinct ASNs: 16-bit ones and 32-bit ones (some above 2^31, as private ASNs are). */
  private static long[] asns(SplittableRandom random) {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    long[] asns = new long[ASNS];
    int n = 0;
    while (n < ASNS) {
      int kind = random.nextInt(10);
      long asn = kind < 5 ? random.nextLong(1, 64_496) : kind < 9 ? random.nextLong(131_072, 420_000)
          : random.nextLong(4_200_000_000L, 4_294_967_295L);
      if (seen.add(asn)) {
        asns[n++] = asn;
      }
    }
    return asns;
  }

  private static final String[] WORDS = {"Global", "Metro", "Nordic", "Pacific", "Alpine", "Delta",
    "Blue", "Rapid", "Fiber", "Sky", "Union", "Coastal", "Central", "Northern", "Southern", "Prime",
    "Atlas", "Vertex", "Orbit", "Summit", "Hansa", "Iberia", "Lotus", "Sakura", "Andes", "Sahara"};
  private static final String[] KINDS = {"Telecom", "Networks", "Internet Services",
    "Communications", "Broadband", "Hosting", "Data Centers", "Cable", "Online", "IT Solutions"};
  private static final String[] FORMS = {"LLC", "Inc.", "Ltd", "GmbH", "S.A.", "B.V.", "AB", "SAS",
    "S.p.A.", "Pty Ltd", "Sp. z o.o.", "K.K.", "a.s.", "Oy"};

  private static String name(SplittableRandom random, int i) {
    return WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)] + " "
        + KINDS[random.nextInt(KINDS.length)] + (i % 7 == 0 ? " " + (i % 1000) : "") + " "
        + FORMS[random.nextInt(FORMS.length)];
  }

  /**
   * Non-overlapping networks in address order with gaps between them; prefix lengths mostly /24
   * (IPv4) and /32–/48 (IPv6), as in real routing tables. Every ASN gets at least one network.
   */
  private static void writeCsv(Path csv, SplittableRandom random, long[] asns, List<long[]> ipv4,
      List<long[]> ipv6) throws IOException {
    String[] names = new String[asns.length];
    for (int i = 0; i < asns.length; i++) {
      names[i] = name(random, i);
    }
    Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
    try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      long address = 0x0100_0000L; // 1.0.0.0
      for (int i = 0; i < IPV4_NETWORKS; i++) {
        int r = random.nextInt(100);
        int prefix = r < 60 ? 24 : r < 75 ? 22 : r < 85 ? 23 : r < 93 ? 20 : r < 98 ? 19 : 16;
        long size = 1L << (32 - prefix);
        address = (address + size - 1) / size * size;
        int a = i < asns.length ? i : random.nextInt(asns.length);
        out.write(String.format(Locale.ROOT, "%d.%d.%d.%d/%d,%d,%s%n", address >>> 24,
            (address >>> 16) & 255, (address >>> 8) & 255, address & 255, prefix, asns[a], names[a]));
        ipv4.add(new long[] {address, address + size - 1});
        address += size + (random.nextInt(4) == 0 ? 256L * random.nextInt(1, 8) : 0);
      }
      if (address > 0xE000_0000L) {
        throw new IllegalStateException("IPv4 space overflow: " + address);
      }
      long hi = 0x2400_0000_0000_0000L; // clear of the 2001::/32 and 2002::/16 aliases
      for (int i = 0; i < IPV6_NETWORKS; i++) {
        int prefix = 32 + 4 * random.nextInt(5); // 32..48
        long size = 1L << (64 - prefix);
        hi = (hi + size - 1) / size * size;
        int a = random.nextInt(asns.length);
        out.write(String.format(Locale.ROOT, "%x:%x:%x::/%d,%d,%s%n", hi >>> 48, (hi >>> 32) & 0xFFFF,
            (hi >>> 16) & 0xFFFF, prefix, asns[a], names[a]));
        ipv6.add(new long[] {hi, hi + size - 1});
        hi += size + (random.nextInt(3) == 0 ? (1L << 32) * random.nextInt(1, 4) : 0);
      }
    }
    Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Random addresses: 90 % inside a random network of the list, 10 % likely outside any. */
  private static String[] addresses(SplittableRandom random, List<long[]> networks, boolean v6) {
    String[] out = new String[LOOKUPS];
    for (int i = 0; i < out.length; i++) {
      long[] n = networks.get(random.nextInt(networks.size()));
      boolean miss = i % 10 == 0;
      if (!v6) {
        long a = miss ? random.nextLong(0xE000_0000L, 0xEFFF_FFFFL) : random.nextLong(n[0], n[1] + 1);
        out[i] = (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
      } else {
        long hi = miss ? random.nextLong() | 0xF000_0000_0000_0000L : random.nextLong(n[0], n[1] + 1);
        long lo = random.nextLong();
        out[i] = String.format(Locale.ROOT, "%x:%x:%x:%x::%x:%x", hi >>> 48, (hi >>> 32) & 0xFFFF,
            (hi >>> 16) & 0xFFFF, hi & 0xFFFF, (lo >>> 16) & 0xFFFF, lo & 0xFFFF);
      }
    }
    return out;
  }
}
