package io.flowexporter.app.bench;

import io.flowexporter.app.it.Scrape;
import io.flowexporter.broker.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The performance benchmark behind {@code bench/run}, in one run:
 *
 * <ol>
 *   <li>starts a real KRaft broker ({@link EmbeddedKafkaBroker}) in this JVM and pre-loads a topic
 *       with generated pmacct records ({@link BenchData});
 *   <li>the baseline: {@link PlainConsumer} in its own JVM fetches and discards every record;
 *   <li>the exporter's shaded jar in its own JVM, once without scrapes and once scraped every
 *       second, each from process start until the consumer group's committed offsets cover every
 *       record (under exactly-once the totals are published right after that commit); CPU seconds
 *       and peak RSS are read from {@code /proc/PID}; then {@code /metrics} is checked against the
 *       expected totals of every series;
 *   <li>the exporter's start-up alone (empty topic, until {@code /readyz} answers 200);
 *   <li>{@code --warm-rounds} further batches of records to a running exporter (warm);
 *   <li>{@link InProcessHarness} in its own JVM: scrape latency and heap at 100,000 and 1,000,000
 *       series, and the per-record cost of the processing code without Kafka;
 *   <li>with {@code --live RATE}: one exporter under a steady producer ({@link Freshness}'s live
 *       mode), its lag and the time a record takes to reach {@code /metrics}.
 * </ol>
 *
 * <p>{@code --lines-per-message N} packs N records into each Kafka message, one per line, as
 * pmacct's {@code kafka_multi_values} does; the plain consumer then fetches N records a message
 * too.
 *
 * <p>With {@code --repeat N} the plain consumer and the exporter run N times, interleaved, then the
 * start-up N times, and the targets give each figure's median and range (the warm and live figures
 * come from one run).
 *
 * <p>Not a test (no JUnit, not named *Test or *IT): CI never runs it.
 */
public final class Benchmark {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Map<String, String> opt;
  private final long records;

  /** Records per Kafka message: pmacct's kafka_multi_values packs several, one per line. */
  private final int lines;

  /** Kafka messages holding the records: what committed offsets count. */
  private final long messages;

  private final Path work;
  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final String classpath = System.getProperty("java.class.path");
  private EmbeddedKafkaBroker broker;
  private BenchData.Expected expected;
  private final List<String> notes = new ArrayList<>();
  private String loadAtStart;

  private Benchmark(Map<String, String> opt) throws IOException {
    this.opt = opt;
    this.records = Long.parseLong(opt.get("records"));
    this.lines = Integer.parseInt(opt.get("lines-per-message"));
    this.messages = records / lines;
    this.work = Files.createTempDirectory("flow-exporter-bench-");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    opt.put("records", "1000000");
    opt.put("partitions", "4");
    opt.put("peers", "5000");
    opt.put("routers", "4");
    opt.put("repeat", "1");
    opt.put("exporter-jvm", BenchMachine.RECOMMENDED_JVM);
    opt.put("exporter-args", "");
    opt.put("scrape-series", "100000,1000000");
    opt.put("harness-jvm", "-Xmx6g");
    opt.put("jar", "app/target/flow-exporter.jar");
    opt.put("harness", "true");
    // false: no scraped exporter run (a 5,000,000-record run takes long enough without it).
    opt.put("scraped", "true");
    // A flow API filter: a tap with it runs through the warm phase (what one tap costs the
    // counting).
    opt.put("tap", "");
    // Records a second for the live phase (0: none): one exporter, warm, under a steady producer.
    opt.put("live", "0");
    // Rounds of further records to the running exporter; the last one gives the warm figure.
    opt.put("warm-rounds", "2");
    opt.put("live-seconds", "60");
    // Records per Kafka message, one per line as pmacct's kafka_multi_values writes them.
    opt.put("lines-per-message", "1");
    // A topic for the flow documents (--flow-topic), made with the input's partitions: what
    // producing every flow as a document, exactly once with the counting, costs.
    opt.put("flow-topic", "");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !opt.containsKey(a.substring(2)) || i + 1 >= args.length) {
        System.err.println("options (defaults): " + opt);
        System.exit(2);
      }
      opt.put(a.substring(2), args[++i]);
    }
    if (Integer.parseInt(opt.get("warm-rounds")) < 1 || Integer.parseInt(opt.get("repeat")) < 1) {
      System.err.println("--warm-rounds and --repeat must be at least 1");
      System.exit(2);
    }
    int lines = Integer.parseInt(opt.get("lines-per-message"));
    if (lines < 1 || Long.parseLong(opt.get("records")) % lines != 0) {
      System.err.println("--lines-per-message must be at least 1 and divide --records");
      System.exit(2);
    }
    if (lines > 1 && !opt.get("live").equals("0")) {
      System.err.println("--live takes one record per message: leave --lines-per-message at 1");
      System.exit(2);
    }
    new Benchmark(opt).run();
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.println("flow-exporter benchmark, " + Instant.now());
    System.out.println(
        "machine: "
            + cpuModel()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + (memTotalKiB() >> 10)
            + " MiB RAM; java "
            + System.getProperty("java.version"));
    System.out.println("options: " + opt);
    loadAtStart = BenchMachine.loadAverage();
    System.out.println("load average before start: " + loadAtStart);
    broker = EmbeddedKafkaBroker.start();
    try {
      String topic = "flows";
      int partitions = Integer.parseInt(opt.get("partitions"));
      BenchData.createTopic(broker.bootstrapServers(), topic, partitions);
      long t0 = System.nanoTime();
      expected =
          BenchData.load(
              broker.bootstrapServers(),
              topic,
              records,
              lines,
              BenchData.generator(
                  Integer.parseInt(opt.get("peers")), Integer.parseInt(opt.get("routers")), 1));
      System.out.printf(
          Locale.ROOT,
          "data: %,d records, %.0f bytes each on average, %,d series (label sets), "
              + "%,d per message, %d partitions, lz4; loaded in %.1f s%n",
          expected.records,
          (double) expected.valueBytes / expected.records,
          expected.series.size(),
          lines,
          partitions,
          (System.nanoTime() - t0) / 1e9);
      BenchData.createTopic(broker.bootstrapServers(), "empty", partitions);
      if (!opt.get("flow-topic").isEmpty()) {
        BenchData.createTopic(broker.bootstrapServers(), opt.get("flow-topic"), partitions);
      }

      List<Row> rows = new ArrayList<>();
      int repeat = Integer.parseInt(opt.get("repeat"));
      List<Row> plain = new ArrayList<>();
      List<Row> quiet = new ArrayList<>();
      List<Row> scraped = new ArrayList<>();
      for (int r = 1; r <= repeat; r++) {
        String suffix = repeat > 1 ? " #" + r : "";
        plain.add(plainConsumer(topic, "plain consumer (fetch+discard)" + suffix));
        quiet.add(exporter(topic, "exporter, no scrapes" + suffix, "run" + r + "-quiet", false));
        if (Boolean.parseBoolean(opt.get("scraped"))) {
          scraped.add(
              exporter(topic, "exporter, scrape every 1 s" + suffix, "run" + r + "-scraped", true));
        }
      }
      rows.addAll(plain);
      rows.addAll(quiet);
      rows.addAll(scraped);
      List<Row> startups = new ArrayList<>();
      for (int r = 1; r <= repeat; r++) {
        startups.add(startupOnly("empty", repeat > 1 ? " #" + r : "", "startup" + r));
      }
      rows.addAll(startups);
      // Last: it adds records to the topic.
      List<Row> warmRounds = new ArrayList<>();
      for (int r = 0; r < Integer.parseInt(opt.get("warm-rounds")); r++) {
        warmRounds.add(new Row());
      }
      exporter(topic, "exporter, cold then warm", "warm", false, warmRounds);
      rows.addAll(warmRounds);
      Row warm = warmRounds.get(warmRounds.size() - 1);
      printRuns(rows);

      boolean inProcess = Boolean.parseBoolean(opt.get("harness"));
      List<Map<String, String>> scrapes =
          inProcess ? harness(("scrape," + opt.get("scrape-series")).split(",")) : List.of();
      List<Map<String, String>> process =
          inProcess ? harness("process", "200000", opt.get("peers"), "5") : List.of();
      printHarness(scrapes, process);

      int liveRate = Integer.parseInt(opt.get("live"));
      Freshness.Result live = liveRate > 0 ? live(liveRate) : null;

      // With several runs, each figure is the median of the runs, with their range.
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < repeat; i++) {
        ratios.add(100 * quiet.get(i).steadyRate / plain.get(i).steadyRate);
      }
      Figure ratio = Figure.of(ratios, "%.0f%%");
      Figure steady = figure(quiet, r -> r.steadyRate, "%,.0f");
      Figure plainSteady = figure(plain, r -> r.steadyRate, "%,.0f");
      Figure rate = figure(quiet, Row::rate, "%,.0f");
      Figure plainRate = figure(plain, Row::rate, "%,.0f");
      Figure cold = figure(quiet, r -> r.cpuPerMillion(records), "%.2f");
      Figure readyz = figure(startups, r -> r.wallSeconds, "%.2f");
      Figure startupCpu = figure(startups, r -> r.cpuSeconds, "%.2f");
      Figure firstCommit = figure(quiet, r -> r.firstCommitSeconds, "%.2f");
      double warmCpu = warm.cpuPerMillion(records);
      System.out.println();
      System.out.println(
          "targets ("
              + (repeat > 1 ? "median and range of " + repeat + " runs" : "one run")
              + "; wall time from process start):");
      // Not targets, but what an operator sizes a catch-up by: from process start, start-up and
      // the JIT compiler's work included.
      System.out.printf(
          Locale.ROOT,
          "  (from process start: %s records/s against the plain consumer's %s; %s CPU-s per"
              + " million records, start-up alone %s)%n",
          rate,
          plainRate,
          cold,
          startupCpu);
      target(
          String.format(
              Locale.ROOT,
              "CPU <= 2.5 CPU-s per million records, warm (steady state, last warm round): %.2f",
              warmCpu),
          warmCpu <= 2.5);
      target(
          String.format(
              Locale.ROOT,
              "steady-state rate >= 50%% of plain consumer's: %s, exporter %s records/s, plain %s",
              ratio,
              steady,
              plainSteady),
          ratio.median() >= 50);
      target(
          String.format(
              Locale.ROOT,
              "start-up: /readyz 200 < 1.5 s after process start (empty topic): %s s",
              readyz),
          readyz.median() < 1.5);
      target(
          String.format(
              Locale.ROOT,
              "start-up: first commit < 2.5 s after process start (backlog): %s s",
              firstCommit),
          firstCommit.median() < 2.5);
      if (live != null) {
        long p99 = live.percentile(99);
        boolean keptRate = live.achievedRate() >= 0.95 * liveRate;
        boolean bounded = live.lagAtProducerEnd() >= 0 && live.lagAtProducerEnd() <= 2L * liveRate;
        target(
            String.format(
                Locale.ROOT,
                "live: %,d records/s for %s s kept up (lag at most 2 s of records when the producer"
                    + " stopped) and p99 <= 2 s: produced %,.0f records/s, lag %,d (max %,d),"
                    + " p50 %d ms, p99 %d ms",
                liveRate,
                opt.get("live-seconds"),
                live.achievedRate(),
                live.lagAtProducerEnd(),
                live.lagMax(),
                live.percentile(50),
                p99),
            keptRate && bounded && p99 >= 0 && p99 <= 2000);
      }
      for (Map<String, String> m : scrapes) {
        long n = Long.parseLong(m.get("series"));
        double limit = n <= 100_000 ? 100 : 1500;
        target(
            String.format(
                Locale.ROOT,
                "scrape of %,d series < %.0f ms (median): median %s ms, max %s ms",
                n,
                limit,
                m.get("median_ms"),
                m.get("max_ms")),
            Double.parseDouble(m.get("median_ms")) < limit);
      }
      // Reaching this line means every run counted every record exactly with these options: one
      // that ran out of memory (-XX:+ExitOnOutOfMemoryError) would have failed above.
      target(
          String.format(
              Locale.ROOT,
              "memory: every run exact with %s at %,d series: peak RSS %,d MiB",
              opt.get("exporter-jvm"),
              expected.series.size(),
              Stream.concat(quiet.stream(), scraped.stream())
                      .mapToLong(r -> r.peakRssKiB)
                      .max()
                      .orElse(0)
                  >> 10),
          true);
      if (!scraped.isEmpty()) {
        double cut = 100 * (1 - figure(scraped, Row::rate, "%f").median() / rate.median());
        target(
            String.format(
                Locale.ROOT, "scrapes every second cut throughput by <= 10%%: %.1f%%", cut),
            cut <= 10);
      }
      notes.forEach(n -> System.out.println("note: " + n));
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "summary (%,d records%s): steady state %s records/s, plain consumer %s records/s, "
              + "ratio %s; CPU-s per million %s cold, %.2f warm; /readyz %s s, first commit %s s;%s "
              + "load %s at start, %s at end%n",
          records,
          repeat > 1 ? ", median (range) of " + repeat + " runs" : "",
          steady,
          plainSteady,
          ratio,
          cold,
          warmCpu,
          readyz,
          firstCommit,
          live == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  " live %,d records/s: lag %,d, p99 %d ms;",
                  liveRate,
                  live.lagAtProducerEnd(),
                  live.percentile(99)),
          loadAtStart,
          BenchMachine.loadAverage());
    } finally {
      broker.close();
      deleteRecursively(work);
    }
  }

  /**
   * The live phase: one exporter with the benchmark's JVM options and flags on a topic of its own,
   * under a steady producer of the benchmark's records ({@link Freshness}'s live mode).
   */
  private Freshness.Result live(int rate) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%nlive: %,d records/s for %s s after a warm-up of 30 s, probes every 200 ms ...%n",
        rate,
        opt.get("live-seconds"));
    System.setProperty("flowexporter.jar", opt.get("jar"));
    Freshness.Result r =
        Freshness.measure(
            broker.bootstrapServers(),
            1,
            Integer.parseInt(opt.get("live-seconds")),
            0,
            rate,
            words(opt.get("exporter-args")),
            Map.of("JDK_JAVA_OPTIONS", opt.get("exporter-jvm")),
            work);
    r.print(System.out, Freshness.commitIntervalMs(words(opt.get("exporter-args"))));
    return r;
  }

  private static Figure figure(List<Row> rows, ToDoubleFunction<Row> f, String format) {
    return Figure.of(rows.stream().map(r -> f.applyAsDouble(r)).toList(), format);
  }

  private static void target(String text, boolean met) {
    System.out.println("  [" + (met ? "met" : "NOT MET") + "] " + text);
  }

  /** One measured process. */
  private static final class Row {
    String name;
    String load;
    double wallSeconds;
    double cpuSeconds;
    long peakRssKiB;
    long count;
    String extra = "";

    /**
     * Records per second once running: from a tenth committed to all (exporter), first to last
     * record (plain).
     */
    double steadyRate;

    /** From process start to the first committed offset, in seconds (exporter rows). */
    double firstCommitSeconds;

    double rate() {
      return count / wallSeconds;
    }

    double cpuPerMillion(long n) {
      return cpuSeconds * 1e6 / n;
    }
  }

  private Row plainConsumer(String topic, String name) throws Exception {
    Row row = new Row();
    row.name = name;
    row.load = BenchMachine.loadAverage();
    long launch = System.currentTimeMillis();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                classpath,
                PlainConsumer.class.getName(),
                broker.bootstrapServers(),
                topic,
                Long.toString(messages))
            .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("plain.log").toFile()))
            .start();
    String line;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      line = r.readLine();
    }
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0 || line == null) {
      throw new IllegalStateException(
          "plain consumer failed: " + Files.readString(work.resolve("plain.log")));
    }
    Map<String, String> m = keyValues(line);
    // It counts messages; each holds `lines` records.
    row.count = Long.parseLong(m.get("records")) * lines;
    row.wallSeconds = (Long.parseLong(m.get("last_ms")) - launch) / 1e3;
    row.cpuSeconds = Double.parseDouble(m.get("cpu_s"));
    row.peakRssKiB = Long.parseLong(m.get("peak_rss_kib"));
    double steady = (Long.parseLong(m.get("last_ms")) - Long.parseLong(m.get("first_ms"))) / 1e3;
    row.steadyRate = row.count / steady;
    row.extra =
        String.format(
            Locale.ROOT,
            "first to last record %.2f s (%,.0f records/s)",
            steady,
            row.count / steady);
    return row;
  }

  /**
   * One round of the warm figure: with the exporter still running after the pre-loaded data and the
   * rounds before, another {@code records} records are produced; the exporter's CPU for them is the
   * steady-state cost per record. The producer sets the pace, so the traffic is live. The first
   * round still pays for compiling the code that only live traffic runs (the early commits); the
   * last round's figure is the one reported.
   */
  private void warm(Admin admin, Process p, String appId, String topic, int round, Row row)
      throws Exception {
    ProcStats before = ProcStats.of(p.pid());
    Map<String, Double> threadsBefore = ProcStats.threadCpu(p.pid());
    row.name =
        "exporter, warm #"
            + round
            + ": a further "
            + String.format(Locale.ROOT, "%,d", records)
            + " records while running";
    row.load = BenchMachine.loadAverage();
    CompletableFuture<HttpResponse<InputStream>> tap = null;
    if (!opt.get("tap").isEmpty()) {
      // One tap through the whole phase: it reads every new record, and answers those that match.
      row.name += ", one flow tap (" + opt.get("tap") + ") running";
      tap =
          HTTP.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + portOf.get(p)
                              + "/api/v1/flows/tap?timeout=300s&limit=100000&"
                              + opt.get("tap")))
                  .header("Authorization", "Bearer " + TAP_TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      HttpResponse<InputStream> r = tap.get(30, TimeUnit.SECONDS);
      if (r.statusCode() != 200) {
        throw new IllegalStateException("tap answered " + r.statusCode());
      }
      InputStream body = r.body();
      Thread reader =
          new Thread(
              () -> {
                try (body) {
                  body.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                  // closed at the end of the phase
                }
              },
              "bench-tap-reader");
      reader.setDaemon(true);
      reader.start();
    }
    long t0 = System.currentTimeMillis();
    BenchData.produce(
        broker.bootstrapServers(),
        topic,
        records,
        lines,
        BenchData.generator(
            Integer.parseInt(opt.get("peers")), Integer.parseInt(opt.get("routers")), 1 + round),
        expected);
    while (committedOffsets(admin, appId, topic) < (round + 1) * messages) {
      if (!p.isAlive() || System.currentTimeMillis() - t0 > 300_000) {
        throw new IllegalStateException("exporter did not count warm round " + round);
      }
      Thread.sleep(20);
    }
    long done = System.currentTimeMillis();
    ProcStats after = ProcStats.of(p.pid());
    notes.add(
        row.name
            + ": CPU s by thread: "
            + ProcStats.describe(ProcStats.threadCpu(p.pid()), threadsBefore, 8));
    verify(portOf.get(p), row.name, (round + 1) * records);
    row.count = records;
    row.wallSeconds = (done - t0) / 1e3;
    row.cpuSeconds = after.cpuSeconds() - before.cpuSeconds();
    row.peakRssKiB = after.peakRssKiB();
    row.extra =
        "rate set by the producer (produce and count); CPU is the exporter's for these records only";
  }

  private static final String TAP_TOKEN = "bench-token-0123456789abcdef";

  private final Map<Process, Integer> portOf = new HashMap<>();

  private Row exporter(String topic, String name, String appId, boolean scrape) throws Exception {
    return exporter(topic, name, appId, scrape, List.of());
  }

  /** An exporter run from process start until every record is committed, then the warm rounds. */
  private Row exporter(String topic, String name, String appId, boolean scrape, List<Row> warm)
      throws Exception {
    Row row = new Row();
    row.name = name;
    row.load = BenchMachine.loadAverage();
    int port = freePort();
    Path log = work.resolve(appId + ".log");
    long launch = System.currentTimeMillis();
    Process p = startExporter(topic, appId, port, log);
    portOf.put(p, port);
    Scraper scraper = scrape ? Scraper.start(port) : null;
    long firstCommit = 0;
    long tenth = 0;
    long tenthCommitted = 0;
    long done = 0;
    ProcStats atDone = null;
    Map<String, Double> threadsAtDone = Map.of();
    Properties ap = new Properties();
    ap.put("bootstrap.servers", broker.bootstrapServers());
    try (Admin admin = Admin.create(ap)) {
      while (done == 0) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "exporter exited " + p.exitValue() + "; log:\n" + Files.readString(log));
        }
        if (System.currentTimeMillis() - launch > 300_000) {
          throw new IllegalStateException(
              "exporter did not finish in 300 s; log:\n" + Files.readString(log));
        }
        long committed = committedOffsets(admin, appId, topic);
        long now = System.currentTimeMillis();
        if (committed > 0 && firstCommit == 0) {
          firstCommit = now;
        }
        if (committed >= messages / 10 && tenth == 0) {
          tenth = now;
          tenthCommitted = committed;
        }
        if (committed >= messages) {
          done = now;
          atDone = ProcStats.of(p.pid());
          threadsAtDone = ProcStats.threadCpu(p.pid());
          notes.add(name + ": CPU s by thread: " + ProcStats.describe(threadsAtDone, Map.of(), 8));
        } else {
          Thread.sleep(20);
        }
      }
      if (scraper != null) {
        scraper.stop();
      }
      verify(port, name, records);
      for (int round = 1; round <= warm.size(); round++) {
        warm(admin, p, appId, topic, round, warm.get(round - 1));
      }
    } finally {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    row.count = records;
    row.wallSeconds = (done - launch) / 1e3;
    row.cpuSeconds = atDone.cpuSeconds();
    row.peakRssKiB = atDone.peakRssKiB();
    row.firstCommitSeconds = (firstCommit - launch) / 1e3;
    // Commits come once a second: with fewer than two intervals between, there is no steady rate.
    row.steadyRate =
        done - tenth >= 2000
            ? (messages - tenthCommitted) * lines * 1e3 / (done - tenth)
            : Double.NaN;
    row.extra =
        String.format(
            Locale.ROOT,
            "first commit at %.2f s; steady %,.0f records/s (a tenth committed to all)",
            row.firstCommitSeconds,
            row.steadyRate);
    if (scraper != null) {
      row.extra += "; " + scraper.summary();
    }
    return row;
  }

  /**
   * The exporter's shaded jar in a JVM of its own, with the benchmark's JVM options and exporter
   * arguments, reading the topic from the beginning; output appended to {@code log}.
   */
  private Process startExporter(String topic, String appId, int port, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(words(opt.get("exporter-jvm")));
    cmd.addAll(
        List.of(
            "-jar",
            opt.get("jar"),
            "--brokers",
            broker.bootstrapServers(),
            "--topic",
            topic,
            "--asn",
            Long.toString(BenchData.OWN_ASN),
            "--from-beginning",
            "--application-id",
            appId,
            "--state-dir",
            work.resolve(appId).toString(),
            "--addr",
            "127.0.0.1:" + port));
    cmd.addAll(words(opt.get("exporter-args")));
    if (!opt.get("flow-topic").isEmpty()) {
      cmd.addAll(List.of("--flow-topic", opt.get("flow-topic")));
    }
    if (!opt.get("tap").isEmpty()) {
      Path tokens = work.resolve("api-tokens");
      Files.writeString(tokens, "bench:" + TAP_TOKEN + "\n");
      cmd.addAll(List.of("--api-token-file", tokens.toString()));
    }
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("FLOW_EXPORTER_"));
    return pb.start();
  }

  /**
   * Start-up alone: a first start (a new application id) on an empty topic, from process start to
   * /readyz 200.
   */
  private Row startupOnly(String topic, String suffix, String appId) throws Exception {
    Row row = new Row();
    row.name = "exporter start-up only (empty topic)" + suffix;
    row.load = BenchMachine.loadAverage();
    int port = freePort();
    Path log = work.resolve(appId + ".log");
    long launch = System.currentTimeMillis();
    Process p = startExporter(topic, appId, port, log);
    try {
      while (Scrape.status(port, "/readyz") != 200) {
        if (!p.isAlive() || System.currentTimeMillis() - launch > 120_000) {
          throw new IllegalStateException(
              "exporter did not become ready; log:\n" + Files.readString(log));
        }
        Thread.sleep(50);
      }
      row.wallSeconds = (System.currentTimeMillis() - launch) / 1e3;
      ProcStats s = ProcStats.of(p.pid());
      row.cpuSeconds = s.cpuSeconds();
      row.peakRssKiB = s.peakRssKiB();
      row.extra = "until /readyz = 200";
    } finally {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    return row;
  }

  /**
   * The group's committed offsets on the input topic, summed: the messages counted. The group also
   * commits offsets on its repartition topic, which are not input.
   */
  private static long committedOffsets(Admin admin, String group, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(5, TimeUnit.SECONDS);
      long sum = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> o : offsets.entrySet()) {
        if (o.getValue() != null && o.getKey().topic().equals(topic)) {
          sum += o.getValue().offset();
        }
      }
      return sum;
    } catch (Exception e) {
      return 0;
    }
  }

  /**
   * Every series on /metrics has exactly the expected totals, and every record was counted once.
   */
  private void verify(int port, String name, long total) throws Exception {
    String problem = null;
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      Scrape s = Scrape.of(port);
      problem = s == null ? "no scrape" : mismatch(s, total);
      if (problem == null) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + ": /metrics does not match the data: " + problem);
  }

  private String mismatch(Scrape s, long total) {
    double counted = s.value("flow_exporter_records_total{outcome=\"counted\"}");
    if (counted != total) {
      return "counted " + counted + " of " + total;
    }
    Map<String, long[]> seen = new HashMap<>();
    for (String direction : List.of("receive", "transmit")) {
      for (int unit = 0; unit < 2; unit++) {
        String family = "flow_" + direction + (unit == 0 ? "_bytes_total" : "_packets_total");
        int u = unit;
        s.family(family)
            .forEach(
                (labels, value) -> {
                  String key =
                      direction
                          + "|"
                          + labels.get("hostname")
                          + "|"
                          + labels.get("source_as")
                          + "|"
                          + labels.get("destination_as");
                  seen.computeIfAbsent(key, k -> new long[2])[u] = value.longValue();
                });
      }
    }
    if (seen.size() != expected.series.size()) {
      return seen.size() + " series instead of " + expected.series.size();
    }
    for (Map.Entry<String, long[]> e : expected.series.entrySet()) {
      long[] got = seen.get(e.getKey());
      if (got == null || got[0] != e.getValue()[0] || got[1] != e.getValue()[1]) {
        return e.getKey()
            + ": expected "
            + e.getValue()[0]
            + "/"
            + e.getValue()[1]
            + " bytes/packets";
      }
    }
    return null;
  }

  private List<Map<String, String>> harness(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(words(opt.get("harness-jvm")));
    cmd.addAll(List.of("-cp", classpath, InProcessHarness.class.getName()));
    cmd.addAll(List.of(args));
    String load = BenchMachine.loadAverage();
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("harness.log").toFile()))
            .start();
    List<Map<String, String>> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Map<String, String> m = keyValues(line);
        m.put("load", load);
        out.add(m);
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "harness failed: " + Files.readString(work.resolve("harness.log")));
    }
    return out;
  }

  private void printRuns(List<Row> rows) {
    System.out.println();
    System.out.println(
        "| run | wall s | records/s | vs best plain | CPU s | CPU s per M records | peak RSS MiB | load 1/5/15 min | notes |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---|---|");
    // Relative to the best plain-consumer run of this benchmark.
    double plainRate =
        rows.stream()
            .filter(r -> r.name.startsWith("plain"))
            .mapToDouble(Row::rate)
            .max()
            .orElse(1);
    for (Row r : rows) {
      boolean counts = r.count > 0;
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f | %s | %s | %.2f | %s | %d | %s | %s |%n",
          r.name,
          r.wallSeconds,
          counts ? String.format(Locale.ROOT, "%,.0f", r.rate()) : "-",
          counts ? String.format(Locale.ROOT, "%.0f%%", 100 * r.rate() / plainRate) : "-",
          r.cpuSeconds,
          counts ? String.format(Locale.ROOT, "%.2f", r.cpuPerMillion(r.count)) : "-",
          r.peakRssKiB >> 10,
          r.load,
          r.extra);
    }
  }

  private static void printHarness(
      List<Map<String, String>> scrapes, List<Map<String, String>> process) {
    System.out.println();
    System.out.println(
        "| in-process scrape (snapshot + text) | samples | body MB | median ms | max ms | median CPU ms | of which snapshot ms | heap B per series | load |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (Map<String, String> m : scrapes) {
      System.out.printf(
          Locale.ROOT,
          "| %,d series | %,d | %.1f | %s | %s | %s | %s | %s | %s |%n",
          Long.parseLong(m.get("series")),
          Long.parseLong(m.get("samples")),
          Long.parseLong(m.get("body_bytes")) / 1e6,
          m.get("median_ms"),
          m.get("max_ms"),
          m.get("cpu_median_ms"),
          m.get("snapshot_median_ms"),
          m.get("heap_bytes_per_series"),
          m.get("load"));
    }
    for (Map<String, String> m : process) {
      double ns = Double.parseDouble(m.get("best_ns_per_record"));
      double cpu = Double.parseDouble(m.get("best_cpu_ns_per_record"));
      System.out.printf(
          Locale.ROOT,
          "in-process processing (parse + classify + count, no Kafka): %.0f ns wall, %.0f ns CPU "
              + "per record (%,.0f records per CPU-second), best of %s passes over %,d records%n",
          ns,
          cpu,
          1e9 / cpu,
          m.get("passes"),
          Long.parseLong(m.get("records")));
    }
  }

  /** GETs /metrics every second and keeps the latency of each complete answer. */
  private static final class Scraper implements Runnable {
    private final int port;
    private final List<Double> millis = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stop;
    private Thread thread;
    private long bodyBytes;

    private Scraper(int port) {
      this.port = port;
    }

    static Scraper start(int port) {
      Scraper s = new Scraper(port);
      s.thread = new Thread(s, "bench-scraper");
      s.thread.setDaemon(true);
      s.thread.start();
      return s;
    }

    @Override
    public void run() {
      long next = System.nanoTime();
      while (!stop) {
        try {
          long t0 = System.nanoTime();
          // As Prometheus asks: text format, gzip (Javalin compresses by default).
          HttpResponse<byte[]> r =
              HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .header("Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                      .header("Accept-Encoding", "gzip")
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() == 200) {
            millis.add((System.nanoTime() - t0) / 1e6);
            bodyBytes = Math.max(bodyBytes, r.body().length);
          }
        } catch (IOException e) {
          // Not listening yet.
        } catch (InterruptedException e) {
          return;
        }
        next += 1_000_000_000L;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          try {
            Thread.sleep(sleep / 1_000_000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    void stop() throws InterruptedException {
      stop = true;
      thread.interrupt();
      thread.join();
    }

    String summary() {
      List<Double> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      if (sorted.isEmpty()) {
        return "no scrape answered";
      }
      return String.format(
          Locale.ROOT,
          "%d scrapes answered, median %.0f ms, max %.0f ms, largest body %.1f MB (gzip)",
          sorted.size(),
          sorted.get(sorted.size() / 2),
          sorted.get(sorted.size() - 1),
          bodyBytes / 1e6);
    }
  }

  private static Map<String, String> keyValues(String line) {
    Map<String, String> m = new HashMap<>();
    for (String w : line.trim().split("\\s+")) {
      int eq = w.indexOf('=');
      if (eq > 0) {
        m.put(w.substring(0, eq), w.substring(eq + 1));
      }
    }
    return m;
  }

  private static List<String> words(String s) {
    return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static long memTotalKiB() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
          .findFirst()
          .orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
