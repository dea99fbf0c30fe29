package io.flowexporter.app.bench;

import io.flowexporter.app.it.ExporterProcess;
import io.flowexporter.app.it.PmacctRecords;
import io.flowexporter.app.it.Scrape;
import io.flowexporter.app.it.Topics;
import io.flowexporter.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The exporter under steady load for a long while, watched for leaks (not a test: {@code
 * bench/soak} runs it). A real broker in this JVM; the exporter as a child process with a short
 * {@code --series-ttl} and the flow API on; a producer at a fixed rate whose peer ASes move on over
 * time, so series keep being created and keep expiring; {@code /metrics} scraped every second and a
 * flow tap every minute.
 *
 * <p>Every minute it prints the exporter's live heap: the objects a full GC keeps, counted by
 * {@code jcmd GC.class_histogram} right after the GC it forces, so nothing allocated after the GC
 * counts (reading {@code GC.heap_info} from a second {@code jcmd} a second later counted up to 30
 * MiB of new garbage and made the figure jump from minute to minute). Then the metaspace ({@code
 * GC.heap_info}), the resident set, threads and open file descriptors ({@code /proc/PID/status},
 * {@code /proc/PID/fd}), the consumer lag and the series count ({@code /metrics}). At the end, over
 * the second half of the run (the first half fills the series up to where expiry balances
 * creation): the least-squares slope of heap after GC and of RSS. A rise over the second half
 * smaller than one GC's noise ({@value #HEAP_NOISE_MIB} MiB of heap, {@value #RSS_NOISE_MIB} MiB of
 * RSS) is flat; a steeper slope under {@code --heap-slope} and {@code --rss-slope} MiB per hour is
 * "rising, under the bound" (not a failure: an hour cannot tell whether it levels off); above it,
 * growing. Threads and file descriptors must end no higher than the first half's highest. A short
 * run only catches a fast leak. The classes whose live bytes grew most over the second half are
 * printed, to tell where a leak is. Exit status 0 when all of it holds, 1 when something grows, 2
 * for a bad option, 3 when the run itself failed.
 *
 * <p>Options: {@code --minutes 60}, {@code --rate 2000} records/s, {@code --peers 500} peer ASes
 * active at a time, {@code --churn 250} new peer ASes a minute, {@code --series-ttl 2m}, {@code
 * --heap-slope 8}, {@code --rss-slope 32}, {@code --exporter-args "..."}.
 */
public final class Soak {

  private static final int PARTITIONS = 3;
  static final double HEAP_NOISE_MIB = 2;
  static final double RSS_NOISE_MIB = 8;
  private static final String TOKEN = "soak-bench-token-0123456789abcdef";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A line of {@code GC.class_histogram}: " 1: 12345 678901 [B (java.base@17.0.15)". */
  private static final Pattern HISTOGRAM_LINE =
      Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

  private static final Pattern HISTOGRAM_TOTAL =
      Pattern.compile("^Total\\s+\\d+\\s+(\\d+)", Pattern.MULTILINE);
  private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used (\\d+)K");

  private final Options options;
  private final AtomicReference<Scrape> lastScrape = new AtomicReference<>();
  private final AtomicLong scrapes = new AtomicLong();
  private final AtomicLong failedScrapes = new AtomicLong();
  private final AtomicLong slowestScrapeMs = new AtomicLong();
  private final AtomicReference<String> lastTap = new AtomicReference<>("-");
  private final AtomicLong failedTaps = new AtomicLong();

  private Soak(Options options) {
    this.options = options;
  }

  /** What one run does, parsed once from the command line. */
  record Options(
      int minutes,
      int rate,
      int peers,
      int churnPerMinute,
      String seriesTtl,
      double heapSlope,
      double rssSlope,
      List<String> exporterArgs) {

    static Options parse(String[] args) {
      int minutes = 60;
      int rate = 2000;
      int peers = 500;
      int churn = 250;
      String ttl = "2m";
      double heapSlope = 8;
      double rssSlope = 32;
      List<String> extra = List.of();
      for (int i = 0; i < args.length; i += 2) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + ": needs a value");
        }
        String value = args[i + 1];
        try {
          switch (name) {
            case "--minutes" -> minutes = positive(name, Integer.parseInt(value));
            case "--rate" -> rate = positive(name, Integer.parseInt(value));
            case "--peers" -> peers = positive(name, Integer.parseInt(value));
            case "--churn" -> churn = Integer.parseInt(value);
            case "--series-ttl" -> ttl = value;
            case "--heap-slope" -> heapSlope = Double.parseDouble(value);
            case "--rss-slope" -> rssSlope = Double.parseDouble(value);
            case "--exporter-args" ->
                extra = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
            default ->
                throw new IllegalArgumentException(
                    name
                        + ": unknown option (--minutes, --rate, --peers,"
                        + " --churn, --series-ttl, --heap-slope, --rss-slope, --exporter-args)");
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + ": '" + value + "' is not a number");
        }
      }
      if (churn < 0) {
        throw new IllegalArgumentException("--churn: must be 0 or more");
      }
      return new Options(minutes, rate, peers, churn, ttl, heapSlope, rssSlope, extra);
    }

    private static int positive(String name, int n) {
      if (n < 1) {
        throw new IllegalArgumentException(name + ": must be 1 or more");
      }
      return n;
    }
  }

  /**
   * One minute's figures of the exporter process; heap (live objects) and metaspace after a full
   * GC, and the live bytes of each class.
   */
  record Sample(
      double minute,
      long heapKiB,
      Map<String, Long> classBytes,
      long metaspaceKiB,
      long rssKiB,
      int threads,
      int fds,
      long lag,
      long series,
      long counted) {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench/soak: " + e.getMessage());
      System.exit(2);
      return;
    }
    int status;
    try {
      status = new Soak(options).run() ? 0 : 1;
    } catch (Exception | AssertionError e) {
      System.err.println("bench/soak: the run failed: " + e);
      status = 3;
    }
    // The broker's and the clients' non-daemon threads would outlive main otherwise.
    System.exit(status);
  }

  private boolean run() throws Exception {
    Path work = Files.createTempDirectory("flow-exporter-soak");
    System.setProperty("flowexporter.jar", "app/target/flow-exporter.jar");
    Path tokens = work.resolve("tokens");
    Files.writeString(tokens, "soak:" + TOKEN + "\n");
    ScheduledExecutorService timers =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "soak-timer");
              t.setDaemon(true);
              return t;
            });
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String brokers = broker.bootstrapServers();
      Topics.create(brokers, "soak", PARTITIONS);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--brokers",
                  brokers,
                  "--topic",
                  "soak",
                  "--asn",
                  Long.toString(PmacctRecords.OWN),
                  "--application-id",
                  "soak",
                  "--state-dir",
                  work.resolve("state").toString(),
                  "--from-beginning",
                  "--series-ttl",
                  options.seriesTtl(),
                  "--api-token-file",
                  tokens.toString()));
      args.addAll(options.exporterArgs());
      System.out.printf(
          Locale.ROOT,
          "soak: %d min, %d records/s, %d peer ASes active, %d new a minute,"
              + " --series-ttl %s, scrape every 1 s, tap every minute; exporter %s;"
              + " load average %s%n",
          options.minutes(),
          options.rate(),
          options.peers(),
          options.churnPerMinute(),
          options.seriesTtl(),
          options.exporterArgs(),
          BenchMachine.loadAverage());
      try (ExporterProcess exporter =
          ExporterProcess.start(
              work.resolve("exporter.log"), Map.of(), args.toArray(String[]::new))) {
        awaitReady(exporter);
        Duration length = Duration.ofMinutes(options.minutes());
        try (ChurningProducer producer =
            ChurningProducer.start(brokers, "soak", options, length.plusMinutes(1))) {
          timers.scheduleAtFixedRate(() -> scrape(exporter.metricsPort()), 0, 1, TimeUnit.SECONDS);
          timers.scheduleAtFixedRate(() -> tap(exporter.metricsPort()), 30, 60, TimeUnit.SECONDS);
          List<Sample> samples = watch(exporter, producer, length);
          timers.shutdownNow();
          producer.close();
          System.out.println("load average at the end: " + BenchMachine.loadAverage());
          return verdict(samples, producer);
        } finally {
          timers.shutdownNow();
          exporter.terminate();
          exporter.waitFor(Duration.ofSeconds(60));
        }
      }
    } finally {
      timers.shutdownNow();
      EmbeddedKafkaBroker.deleteRecursively(work);
    }
  }

  /**
   * Samples the exporter at the start and after every minute; prints each sample as it is taken.
   */
  private List<Sample> watch(ExporterProcess exporter, ChurningProducer producer, Duration length)
      throws Exception {
    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    System.out.println(
        "minute  heap_MiB  meta_MiB  rss_MiB  threads  fds   lag  series  counted/s  sent/s"
            + "  scrapes(failed, slowest ms)  tap");
    long lastCounted = 0;
    long lastSent = 0;
    for (int m = 0; m <= options.minutes(); m++) {
      long due = start + TimeUnit.MINUTES.toNanos(m);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
      }
      if (!exporter.isAlive()) {
        throw new IllegalStateException("the exporter ended:\n" + exporter.ownLog());
      }
      Sample s = sample(exporter.pid(), (System.nanoTime() - start) / 60e9);
      samples.add(s);
      long sent = producer.sent();
      System.out.printf(
          Locale.ROOT,
          "%6.1f  %8.1f  %8.1f  %7.1f  %7d  %4d  %5d  %6d  %9.0f  %6.0f  %8d(%d, %d)  %s%n",
          s.minute(),
          s.heapKiB() / 1024.0,
          s.metaspaceKiB() / 1024.0,
          s.rssKiB() / 1024.0,
          s.threads(),
          s.fds(),
          s.lag(),
          s.series(),
          m == 0 ? 0.0 : (s.counted() - lastCounted) / 60.0,
          m == 0 ? 0.0 : (sent - lastSent) / 60.0,
          scrapes.get(),
          failedScrapes.get(),
          slowestScrapeMs.getAndSet(0),
          lastTap.getAndSet("-"));
      lastCounted = s.counted();
      lastSent = sent;
    }
    return samples;
  }

  private Sample sample(long pid, double minute) throws IOException, InterruptedException {
    String histogram = jcmd(pid, "GC.class_histogram");
    String heapInfo = jcmd(pid, "GC.heap_info");
    Map<String, Long> status = procStatus(pid);
    int fds;
    try (Stream<Path> open = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      fds = (int) open.count();
    }
    Scrape scrape = lastScrape.get();
    long lag = scrape == null ? -1 : (long) scrape.value("flow_exporter_consumer_lag_records");
    long series =
        scrape == null
            ? -1
            : (long)
                scrape.family("flow_exporter_series").values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
    long counted =
        scrape == null
            ? 0
            : (long) scrape.value("flow_exporter_records_total{outcome=\"counted\"}");
    return new Sample(
        minute,
        liveKiB(histogram),
        classBytes(histogram),
        kib(METASPACE_USED, heapInfo),
        status.getOrDefault("VmRSS", -1L),
        status.getOrDefault("Threads", -1L).intValue(),
        fds,
        lag,
        series,
        counted);
  }

  /**
   * Flat or growing, over the second half of the samples. Prints each figure and why; true if
   * nothing grows.
   */
  private boolean verdict(List<Sample> samples, ChurningProducer producer) {
    int half = samples.size() / 2;
    List<Sample> first = samples.subList(0, half);
    List<Sample> second = samples.subList(half, samples.size());
    Sample last = samples.get(samples.size() - 1);
    double heap = slopePerHour(second, s -> s.heapKiB() / 1024.0);
    double rss = slopePerHour(second, s -> s.rssKiB() / 1024.0);
    int firstThreads = first.stream().mapToInt(Sample::threads).max().orElse(last.threads());
    int firstFds = first.stream().mapToInt(Sample::fds).max().orElse(last.fds());
    double secondHalfHours = (last.minute() - second.get(0).minute()) / 60;
    // Within the noise: flat. Rising, but slower than the bound: not a failure, and said as it is
    // (an hour cannot tell a slope that levels off from one that does not).
    boolean heapNoise = heap * secondHalfHours < HEAP_NOISE_MIB;
    boolean rssNoise = rss * secondHalfHours < RSS_NOISE_MIB;
    boolean heapFlat = heapNoise || heap < options.heapSlope();
    boolean rssFlat = rssNoise || rss < options.rssSlope();
    boolean threadsFlat = last.threads() <= firstThreads;
    boolean fdsFlat = last.fds() <= firstFds;
    System.out.printf(
        Locale.ROOT,
        "soak: %d samples; second half from minute %.1f (%d samples)%n",
        samples.size(),
        second.get(0).minute(),
        second.size());
    System.out.printf(
        Locale.ROOT,
        "  heap after GC: %+.1f MiB/h (bound %.1f; under %.0f MiB in the half is noise): %s%n",
        heap,
        options.heapSlope(),
        HEAP_NOISE_MIB,
        trend(heapNoise, heapFlat));
    System.out.printf(
        Locale.ROOT,
        "  RSS:           %+.1f MiB/h (bound %.1f; under %.0f MiB in the half is noise): %s%n",
        rss,
        options.rssSlope(),
        RSS_NOISE_MIB,
        trend(rssNoise, rssFlat));
    System.out.printf(
        Locale.ROOT,
        "  threads:       %d at the end, at most %d in the first half: %s%n",
        last.threads(),
        firstThreads,
        threadsFlat ? "flat" : "GROWING");
    System.out.printf(
        Locale.ROOT,
        "  open fds:      %d at the end, at most %d in the first half: %s%n",
        last.fds(),
        firstFds,
        fdsFlat ? "flat" : "GROWING");
    System.out.printf(
        Locale.ROOT,
        "  records sent %d (failed %d), scrapes %d (failed %d), taps failed %d%n",
        producer.sent(),
        producer.failed(),
        scrapes.get(),
        failedScrapes.get(),
        failedTaps.get());
    System.out.println("  live bytes that grew most over the second half, by class:");
    for (Map.Entry<String, Long> e : topGrowth(second.get(0).classBytes(), last.classBytes(), 8)) {
      System.out.printf(Locale.ROOT, "    %+10.1f KiB  %s%n", e.getValue() / 1024.0, e.getKey());
    }
    if (second.size() < 2) {
      System.out.println("  (too few samples for a slope: run longer)");
    }
    if (options.minutes() < 20) {
      // Measured: RSS still rose 17 MiB between minutes 2 and 3 of a 3-minute run.
      System.out.println(
          "  (a run under 20 minutes mostly shows the warm-up, the JVM committing heap and compiling:"
              + " judge with --minutes 60)");
    }
    boolean flat = heapFlat && rssFlat && threadsFlat && fdsFlat;
    System.out.println(
        "soak: "
            + (!flat
                ? "GROWING"
                : heapNoise && rssNoise
                    ? "FLAT"
                    : "WITHIN BOUNDS (rising slower than the bound: a longer run shows whether it"
                        + " levels off)"));
    return flat;
  }

  private static String trend(boolean noise, boolean underBound) {
    return noise ? "flat" : underBound ? "rising, under the bound" : "GROWING";
  }

  /** Least-squares slope of {@code y} over the samples' minutes, per hour; 0 with fewer than 2. */
  static double slopePerHour(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> y) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mx = samples.stream().mapToDouble(Sample::minute).average().orElse(0);
    double my = samples.stream().mapToDouble(y).average().orElse(0);
    double num = 0;
    double den = 0;
    for (Sample s : samples) {
      num += (s.minute() - mx) * (y.applyAsDouble(s) - my);
      den += (s.minute() - mx) * (s.minute() - mx);
    }
    return den == 0 ? 0 : num / den * 60;
  }

  private void scrape(int port) {
    long t = System.nanoTime();
    Scrape s = Scrape.of(port);
    scrapes.incrementAndGet();
    if (s == null) {
      failedScrapes.incrementAndGet();
      return;
    }
    slowestScrapeMs.accumulateAndGet((System.nanoTime() - t) / 1_000_000, Math::max);
    lastScrape.set(s);
  }

  /**
   * A short tap, as an operator runs one: its status and the flows it answered, for the minute's
   * line.
   */
  private void tap(int port) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + port + "/api/v1/flows/tap?limit=20&timeout=5s"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      long lines = r.body().lines().filter(l -> !l.isBlank()).count();
      if (r.statusCode() != 200) {
        failedTaps.incrementAndGet();
      }
      lastTap.set(r.statusCode() + "/" + lines + " lines");
    } catch (IOException e) {
      failedTaps.incrementAndGet();
      lastTap.set("failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return out;
  }

  /** The live heap in KiB: the histogram's total bytes; -1 if it has none (the JVM is gone). */
  static long liveKiB(String histogram) {
    Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
    return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
  }

  /** Live bytes per class name, from a class histogram. */
  static Map<String, Long> classBytes(String histogram) {
    Map<String, Long> bytes = new java.util.HashMap<>();
    Matcher m = HISTOGRAM_LINE.matcher(histogram);
    while (m.find()) {
      bytes.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
    }
    return bytes;
  }

  /** The {@code n} classes whose live bytes grew most from {@code from} to {@code to}. */
  static List<Map.Entry<String, Long>> topGrowth(
      Map<String, Long> from, Map<String, Long> to, int n) {
    return to.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - from.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(n)
        .toList();
  }

  private static long kib(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The numeric fields of {@code /proc/PID/status} ("VmRSS" in KiB, "Threads"). */
  private static Map<String, Long> procStatus(long pid) throws IOException {
    Map<String, Long> out = new java.util.HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      int colon = line.indexOf(':');
      String digits = line.substring(colon + 1).replaceAll("[^0-9]", "");
      if (colon > 0 && !digits.isEmpty() && digits.length() < 19) {
        out.put(line.substring(0, colon), Long.parseLong(digits));
      }
    }
    return out;
  }

  private static void awaitReady(ExporterProcess exporter) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 180_000;
    while (Scrape.status(exporter.metricsPort(), "/readyz") != 200) {
      if (!exporter.isAlive() || System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the exporter did not become ready:\n" + exporter.ownLog());
      }
      Thread.sleep(200);
    }
  }

  /**
   * pmacct records at a fixed rate whose peer AS is drawn from a window of {@code --peers} ASes
   * that slides by {@code --churn} a minute: each AS gets traffic for a while, then none, and its
   * series expire after {@code --series-ttl}. Stops when closed or after {@code maxDuration}.
   */
  static final class ChurningProducer implements AutoCloseable {

    private static final String[] HOSTS = {"edge1", "edge2", "core-1"};

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final Options options;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private final long deadline;
    private volatile boolean stop;

    private ChurningProducer(String brokers, String topic, Options options, Duration maxDuration) {
      this.producer = Topics.producer(brokers);
      this.topic = topic;
      this.options = options;
      this.deadline = System.nanoTime() + maxDuration.toNanos();
      this.thread = new Thread(this::run, "soak-producer");
      thread.setDaemon(true);
    }

    static ChurningProducer start(
        String brokers, String topic, Options options, Duration maxDuration) {
      ChurningProducer p = new ChurningProducer(brokers, topic, options, maxDuration);
      p.thread.start();
      return p;
    }

    private void run() {
      SplittableRandom random = new SplittableRandom(7);
      long start = System.nanoTime();
      int perTick = Math.max(1, options.rate() / 20);
      long i = 0;
      try {
        while (!stop && System.nanoTime() < deadline) {
          double minutes = (System.nanoTime() - start) / 60e9;
          long firstPeer = 100_000 + (long) (minutes * options.churnPerMinute());
          for (int n = 0; n < perTick; n++, i++) {
            long peer = firstPeer + random.nextInt(options.peers());
            boolean receive = random.nextBoolean();
            long packets = 1 + random.nextInt(20);
            String json =
                "{\"event_type\": \"purge\", \"label\": \""
                    + HOSTS[random.nextInt(HOSTS.length)]
                    + "\", \"as_src\": "
                    + (receive ? peer : PmacctRecords.OWN)
                    + ", \"as_dst\": "
                    + (receive ? PmacctRecords.OWN : peer)
                    + ", \"ip_src\": \"198.51.100.1\", \"ip_dst\": \"203.0.113.9\""
                    + ", \"port_src\": 443, \"port_dst\": 50000, \"ip_proto\": \"tcp\", \"packets\": "
                    + packets
                    + ", \"bytes\": "
                    + packets * 1000
                    + "}";
            producer.send(
                new ProducerRecord<>(topic, Long.toString(i), json),
                (md, e) -> {
                  if (e == null) {
                    sent.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                  }
                });
          }
          long wait = start + TimeUnit.SECONDS.toNanos(i) / options.rate() - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait), (int) (wait % 1_000_000));
          }
        }
        producer.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    long sent() {
      return sent.get();
    }

    long failed() {
      return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(TimeUnit.SECONDS.toMillis(60));
      producer.close(Duration.ofSeconds(10));
    }
  }
}
