package io.flowexporter.asndb;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What {@link AsnDbBenchmark} and {@link CountryDbBenchmark} share: synthetic networks written once
 * with the perl writer, load time and heap, nanoseconds per lookup.
 */
final class BenchmarkSupport {

  static final int LOOKUPS = 2_000_000;

  /** Keeps results from being optimised away; printed as a checksum. */
  static long sink;

  private BenchmarkSupport() {}

  /** The CSV columns of network {@code i} after the network itself, drawn from the same random. */
  interface Columns {
    String of(int i, boolean ipv6);
  }

  /** A database's networks as {first, last} pairs (IPv4: the address; IPv6: the top 64 bits). */
  record Networks(List<long[]> ipv4, List<long[]> ipv6) {}

  /**
   * Non-overlapping networks in address order with gaps between them; prefix lengths mostly /24
   * (IPv4) and /32–/48 (IPv6), as in real routing tables.
   */
  static Networks writeCsv(
      Path csv, SplittableRandom random, int ipv4Networks, int ipv6Networks, Columns columns)
      throws IOException {
    List<long[]> ipv4 = new ArrayList<>();
    List<long[]> ipv6 = new ArrayList<>();
    Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
    try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      long address = 0x0100_0000L; // 1.0.0.0
      for (int i = 0; i < ipv4Networks; i++) {
        int r = random.nextInt(100);
        int prefix = r < 60 ? 24 : r < 75 ? 22 : r < 85 ? 23 : r < 93 ? 20 : r < 98 ? 19 : 16;
        long size = 1L << (32 - prefix);
        address = (address + size - 1) / size * size;
        out.write(
            String.format(
                Locale.ROOT,
                "%d.%d.%d.%d/%d,%s%n",
                address >>> 24,
                (address >>> 16) & 255,
                (address >>> 8) & 255,
                address & 255,
                prefix,
                columns.of(i, false)));
        ipv4.add(new long[] {address, address + size - 1});
        address += size + (random.nextInt(4) == 0 ? 256L * random.nextInt(1, 8) : 0);
      }
      if (address > 0xE000_0000L) {
        throw new IllegalStateException("IPv4 space overflow: " + address);
      }
      long hi = 0x2400_0000_0000_0000L; // clear of the 2001::/32 and 2002::/16 aliases
      for (int i = 0; i < ipv6Networks; i++) {
        int prefix = 32 + 4 * random.nextInt(5); // 32..48
        long size = 1L << (64 - prefix);
        hi = (hi + size - 1) / size * size;
        out.write(
            String.format(
                Locale.ROOT,
                "%x:%x:%x::/%d,%s%n",
                hi >>> 48,
                (hi >>> 32) & 0xFFFF,
                (hi >>> 16) & 0xFFFF,
                prefix,
                columns.of(i, true)));
        ipv6.add(new long[] {hi, hi + size - 1});
        hi += size + (random.nextInt(3) == 0 ? (1L << 32) * random.nextInt(1, 4) : 0);
      }
    }
    Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING);
    return new Networks(ipv4, ipv6);
  }

  /** Writes {@code mmdb} from {@code csv} with the perl writer, unless it is there already. */
  static void writeOnce(Path mmdb, Path csv, String... options) throws IOException {
    if (Files.exists(mmdb)) {
      return;
    }
    System.out.printf("writing %s with the perl writer (minutes, once)...%n", mmdb);
    long t = System.nanoTime();
    Path tmp = mmdb.resolveSibling(mmdb.getFileName() + ".tmp");
    List<String> command =
        new ArrayList<>(
            List.of("perl", TestDatabases.SCRIPT.toString(), "--build-epoch=1767225600"));
    command.addAll(List.of(options));
    command.addAll(List.of(csv.toString(), tmp.toString()));
    TestDatabases.run(command);
    Files.move(tmp, mmdb);
    System.out.printf("  written in %.1f s%n", (System.nanoTime() - t) / 1e9);
  }

  /** Loads a database file. */
  interface Loader<T> {
    T load(Path file) throws IOException;
  }

  /**
   * Loads {@code mmdb} once in this fresh JVM and three times more, and prints the load times and
   * the heap the database holds; {@code describe} prints what was loaded after the first load.
   */
  static <T extends MmdbDatabase> T measureLoad(Path mmdb, Loader<T> loader, Consumer<T> describe)
      throws IOException, InterruptedException {
    System.out.printf("%n%-34s %s (%.1f MB)%n", "file", mmdb, Files.size(mmdb) / 1e6);
    // start the logging backend now, so that its set-up is not counted as load time
    org.slf4j.LoggerFactory.getLogger(BenchmarkSupport.class).info("benchmark starts");
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    long t0 = System.nanoTime();
    T db = loader.load(mmdb);
    long firstLoad = System.nanoTime() - t0;
    long after = usedAfterGc(memory);
    describe.accept(db);
    System.out.printf(
        "%-34s %d ms (DatabaseInfo.loadMillis %d ms)%n",
        "load time, first (cold JVM)", firstLoad / 1_000_000, db.info().loadMillis());
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      T again = loader.load(mmdb);
      best = Math.min(best, System.nanoTime() - t);
      sink += again.info().ipv4Networks();
    }
    System.out.printf("%-34s %d ms%n", "load time, best of 3 more (warm)", best / 1_000_000);
    System.out.printf(
        "%-34s %.1f MB (GC + MemoryMXBean, before/after)%n",
        "heap held by the index", (after - before) / 1e6);
    return db;
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /**
   * Nanoseconds per call: the best of 5 timed rounds after 3 warm-up rounds of {@code batch}, which
   * makes {@code calls} calls in a loop of its own (so that the JIT compiles that loop with the
   * lookup inlined, as the topology's call site would be) and returns a checksum.
   */
  static double nsPer(int calls, LongSupplier batch) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 8; round++) {
      long t = System.nanoTime();
      sink += batch.getAsLong();
      long elapsed = System.nanoTime() - t;
      if (round >= 3) {
        best = Math.min(best, (double) elapsed / calls);
      }
    }
    return best;
  }

  /** Random addresses as text: 90 % inside a random network of the list, 10 % likely outside. */
  static String[] addresses(SplittableRandom random, List<long[]> networks, boolean v6) {
    String[] out = new String[LOOKUPS];
    for (int i = 0; i < out.length; i++) {
      long[] n = networks.get(random.nextInt(networks.size()));
      boolean miss = i % 10 == 0;
      if (!v6) {
        long a =
            miss ? random.nextLong(0xE000_0000L, 0xEFFF_FFFFL) : random.nextLong(n[0], n[1] + 1);
        out[i] = (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
      } else {
        long hi =
            miss ? random.nextLong() | 0xF000_0000_0000_0000L : random.nextLong(n[0], n[1] + 1);
        long lo = random.nextLong();
        out[i] =
            String.format(
                Locale.ROOT,
                "%x:%x:%x:%x::%x:%x",
                hi >>> 48,
                (hi >>> 32) & 0xFFFF,
                (hi >>> 16) & 0xFFFF,
                hi & 0xFFFF,
                (lo >>> 16) & 0xFFFF,
                lo & 0xFFFF);
      }
    }
    return out;
  }

  /**
   * Measures and prints a database's lookups: {@code method} over IPv4, IPv6 and IPv4-mapped
   * addresses ({@code each} makes the batch for an array of them), {@code nameOf} (a batch of
   * {@link #LOOKUPS} calls), and the checksum.
   */
  static void printLookups(
      String method,
      String[] ipv4,
      String[] ipv6,
      Function<String[], LongSupplier> each,
      LongSupplier nameOf) {
    String[] mapped = new String[ipv4.length];
    for (int i = 0; i < ipv4.length; i++) {
      mapped[i] = "::ffff:" + ipv4[i];
    }
    System.out.printf(
        "%-34s %s%n",
        "lookups",
        String.format(
            Locale.ROOT,
            "%,d random addresses per kind (90%% in the database), best of 5 rounds after 3 warm-up",
            LOOKUPS));
    System.out.printf(
        "%-34s %.0f ns%n", method + " IPv4 (\"a.b.c.d\")", nsPer(ipv4.length, each.apply(ipv4)));
    System.out.printf(
        "%-34s %.0f ns%n",
        method + " IPv6 (compressed text)", nsPer(ipv6.length, each.apply(ipv6)));
    System.out.printf(
        "%-34s %.0f ns%n",
        method + " IPv4-mapped (\"::ffff:a.b.c.d\")", nsPer(mapped.length, each.apply(mapped)));
    System.out.printf("%-34s %.0f ns%n", "nameOf", nsPer(LOOKUPS, nameOf));
    System.out.printf("%-34s %d%n", "(checksum)", sink);
  }
}
