package io.flowexporter.app.bench;

import io.flowexporter.app.documents.RollingDocumentLog;
import io.flowexporter.app.http.FlowMetricsWriter;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.generator.FlowGenerator;
import io.flowexporter.topology.aggregate.BenchStores;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.DeltaBatch;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.aggregate.SeriesTotalsStore;
import io.flowexporter.topology.aggregate.TotalsSnapshot;
import io.flowexporter.topology.document.DocumentLog;
import io.flowexporter.topology.document.FlowDocuments;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.filter.FlowFilter;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesKey;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * The parts of the exporter that can be timed without Kafka, in one JVM of their own:
 *
 * <ul>
 *   <li>{@code scrape N...}: {@code N} series (label sets) in each of 4 partitions' real {@link
 *       SeriesTotalsStore}s, committed and published; then the time of what {@code /metrics} does
 *       for the traffic families: {@link CommittedTotals#totals()} plus {@link FlowMetricsWriter}
 *       as the HTTP server calls it, to a stream that only counts bytes. Also the heap those series
 *       hold, measured after full GCs.
 *   <li>{@code process N}: N generated records through the real {@link FlowCountingProcessor}
 *       (parse, classify, count into the store, a commit every 250,000 records): nanoseconds per
 *       record spent in flow-exporter's own code.
 * </ul>
 *
 * <p>Prints {@code key=value} lines for {@link Benchmark}.
 */
public final class InProcessHarness {

  private static final int PARTITIONS = 4;

  private InProcessHarness() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "scrape" -> {
        for (int i = 1; i < args.length; i++) {
          scrape(Integer.parseInt(args[i]));
        }
      }
      case "process" ->
          process(
              Integer.parseInt(args[1]),
              Integer.parseInt(args[2]),
              Integer.parseInt(args[3]),
              args.length > 4 ? args[4] : "none");
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** AS names as an AS database gives them: a few dozen characters each. */
  private static final AsnLookup NAMES =
      new AsnLookup() {
        @Override
        public long asnOf(String ipAddress) {
          return 0;
        }

        @Override
        public String nameOf(long asn) {
          return "Example Networks " + asn + " Ltd";
        }
      };

  private static void scrape(int series) throws Exception {
    long before = usedHeapAfterGc();
    CommittedTotals committed = new CommittedTotals();
    SeriesTotalsStore[] stores = new SeriesTotalsStore[PARTITIONS];
    for (int p = 0; p < PARTITIONS; p++) {
      stores[p] = BenchStores.activeStore(committed);
    }
    for (int i = 0; i < series; i++) {
      // Each series in its one owner partition, as the repartition topic routes it.
      SeriesKey k = key(i);
      BenchStores.add(stores[DeltaBatch.ownerPartition(k, PARTITIONS)], k, 1000L + i, 1L + i % 100);
    }
    BenchStores.commit(committed, stores);
    long heap = usedHeapAfterGc() - before;
    CountingStream sink = new CountingStream();
    int runs = series >= 1_000_000 ? 5 : 11;
    long[] snapNanos = new long[runs];
    long[] totalNanos = new long[runs];
    long[] cpuNanos = new long[runs];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int warm = 0; warm < 2; warm++) {
      scrapeOnce(committed, sink);
    }
    for (int r = 0; r < runs; r++) {
      sink.bytes = 0;
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      TotalsSnapshot snapshot = committed.totals();
      long t1 = System.nanoTime();
      write(snapshot, sink);
      long t2 = System.nanoTime();
      snapNanos[r] = t1 - t0;
      totalNanos[r] = t2 - t0;
      cpuNanos[r] = threads.getCurrentThreadCpuTime() - c0;
    }
    Arrays.sort(cpuNanos);
    Arrays.sort(snapNanos);
    Arrays.sort(totalNanos);
    System.out.printf(
        "scrape series=%d samples=%d body_bytes=%d median_ms=%.1f max_ms=%.1f cpu_median_ms=%.1f snapshot_median_ms=%.1f heap_bytes_per_series=%d%n",
        series,
        2L * series,
        sink.bytes,
        totalNanos[runs / 2] / 1e6,
        totalNanos[runs - 1] / 1e6,
        cpuNanos[runs / 2] / 1e6,
        snapNanos[runs / 2] / 1e6,
        heap / series);
    for (SeriesTotalsStore s : stores) {
      s.deactivate();
    }
  }

  private static void scrapeOnce(CommittedTotals committed, CountingStream sink) throws Exception {
    write(committed.totals(), sink);
  }

  /** What MetricsServer does for the traffic families. */
  private static void write(TotalsSnapshot snapshot, OutputStream out) throws Exception {
    FlowMetricsWriter.write(out, snapshot, SeriesFamilies.asOnly(), NAMES, false);
  }

  private static SeriesKey key(int i) {
    Direction d = (i & 1) == 0 ? Direction.RECEIVE : Direction.TRANSMIT;
    String host = new String("edge" + (1 + ((i >> 1) & 3)));
    long peer = 1_000L + (i >> 3);
    return d == Direction.RECEIVE
        ? AsFamily.key(d, host, peer, BenchData.OWN_ASN)
        : AsFamily.key(d, host, BenchData.OWN_ASN, peer);
  }

  /**
   * @param documents {@code none}, {@code topic} (documents built and forwarded, the producer not
   *     included), {@code log} (appended to a flow log in the temporary directory) or {@code both}
   */
  private static void process(int records, int peers, int passes, String documents)
      throws java.io.IOException {
    FlowGenerator gen = BenchData.generator(peers, 4, 7);
    byte[][] values = new byte[records][];
    for (int i = 0; i < records; i++) {
      values[i] = gen.next().getBytes(StandardCharsets.UTF_8);
    }
    CommittedTotals committed = new CommittedTotals();
    RecordOutcomes outcomes = new RecordOutcomes();
    java.nio.file.Path logDir = java.nio.file.Files.createTempDirectory("bench-flow-log");
    Optional<DocumentLog> log =
        documents.equals("log") || documents.equals("both")
            ? Optional.of(
                RollingDocumentLog.open(logDir.resolve("flows.json"), 100L * 1024 * 1024, 2))
            : Optional.empty();
    Optional<String> topic =
        documents.equals("topic") || documents.equals("both")
            ? Optional.of("bench-docs")
            : Optional.empty();
    BenchStores.Stage1 stage1 =
        BenchStores.stage1(
            new FlowParser(),
            BenchData.classifier(),
            outcomes,
            BenchStores.activeStore(committed),
            new FlowDocuments(FlowFilter.ALL, topic, log));
    long best = Long.MAX_VALUE;
    long bestCpu = Long.MAX_VALUE;
    long sinceCommit = 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int pass = 0; pass < passes; pass++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (byte[] v : values) {
        stage1.process(v);
        if (++sinceCommit == 250_000) {
          stage1.commit(committed);
          sinceCommit = 0;
        }
      }
      best = Math.min(best, System.nanoTime() - t0);
      bestCpu = Math.min(bestCpu, threads.getCurrentThreadCpuTime() - c0);
    }
    stage1.commit(committed);
    if (outcomes.countedTotal() != (long) records * passes) {
      throw new IllegalStateException("counted " + outcomes.countedTotal());
    }
    System.out.printf(
        "process records=%d passes=%d documents=%s best_ns_per_record=%.0f best_cpu_ns_per_record=%.0f series=%d%n",
        records,
        passes,
        documents,
        (double) best / records,
        (double) bestCpu / records,
        committed.snapshot().size());
    log.ifPresent(l -> l.close());
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(logDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Counts what a scrape would send. */
  private static final class CountingStream extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
