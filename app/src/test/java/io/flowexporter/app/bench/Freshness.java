package io.flowexporter.app.bench;

import io.flowexporter.app.it.ExporterProcess;
import io.flowexporter.app.it.PmacctRecords;
import io.flowexporter.app.it.SteadyProducer;
import io.flowexporter.broker.EmbeddedKafkaBroker;
import io.flowexporter.generator.FlowGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How long a record takes from the producer to {@code /metrics}: the freshness of the counters, on
 * one instance and on three (not a test: {@code bench/freshness} runs it).
 *
 * <p>A real broker in this JVM, a 6-partition topic, exporters with the product's defaults (commit
 * interval 1 s, exactly-once), background traffic from {@link SteadyProducer}. Every 200 ms a probe
 * record with a router name of its own ({@code probe-N}) goes to a random partition; every
 * instance's {@code /metrics} is read every 25 ms, and a probe's latency runs from just before its
 * send to the first scrape, on any instance, that shows its series. With three instances the
 * probe's series is owned by whichever instance owns its slot, so the figure includes the second
 * stage's hop through the repartition topic on another instance.
 *
 * <p>Live mode ({@code --live RATE}): instead of the background traffic, the benchmark's records
 * ({@link BenchData}, 50 peer ASes so that scraping every 25 ms stays cheap) at a steady {@code
 * RATE} records a second, lz4-compressed, for {@value #LIVE_WARMUP_SECONDS} s before the probes and
 * the lag are measured, then for {@code --seconds}. Printed besides the latencies: the rate the
 * producer achieved, and the exporter's lag (end offsets minus its committed offsets) every second,
 * its highest and its last value, so "keeps up" means a lag that stays bounded.
 *
 * <p>Options: {@code --seconds 60} per run, {@code --instances 1,3}, {@code --background 2000}
 * messages a second, {@code --live 0} records a second, {@code --exporter-args "..."}, {@code
 * --exporter-jvm "..."} (the recommended options and the class data archive by default).
 */
public final class Freshness {

  private static final int PARTITIONS = 6;
  private static final int LIVE_WARMUP_SECONDS = 30;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Freshness() {}

  public static void main(String[] args) throws Exception {
    int seconds = 60;
    List<Integer> instanceCounts = List.of(1, 3);
    int background = 2000;
    int live = 0;
    List<String> exporterArgs = List.of();
    String exporterJvm = BenchMachine.RECOMMENDED_JVM;
    String jar = "app/target/flow-exporter.jar";
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--instances" ->
            instanceCounts = Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
        case "--background" -> background = Integer.parseInt(args[i + 1]);
        case "--live" -> live = Integer.parseInt(args[i + 1]);
        case "--jar" -> jar = args[i + 1];
        case "--exporter-jvm" -> exporterJvm = args[i + 1];
        case "--exporter-args" ->
            exporterArgs =
                args[i + 1].isBlank() ? List.of() : List.of(args[i + 1].trim().split("\\s+"));
        default -> {
          System.err.println(
              "unknown option "
                  + args[i]
                  + " (--seconds, --instances, --background, --live, --exporter-args,"
                  + " --exporter-jvm, --jar)");
          System.exit(2);
        }
      }
    }
    Path work = Files.createTempDirectory("flow-exporter-freshness");
    System.setProperty("flowexporter.jar", jar);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      System.out.printf(
          "freshness: %d s per run, probes every 200 ms, %s, %d partitions, exporter defaults %s,"
              + " JVM %s; load average %s%n",
          seconds,
          live > 0
              ? String.format(Locale.ROOT, "live: %,d benchmark records/s", live)
              : "background " + background + " messages/s",
          PARTITIONS,
          exporterArgs,
          exporterJvm,
          BenchMachine.loadAverage());
      for (int n : instanceCounts) {
        measure(
                broker.bootstrapServers(),
                n,
                seconds,
                background,
                live,
                exporterArgs,
                Map.of("JDK_JAVA_OPTIONS", exporterJvm),
                work)
            .print(System.out, commitIntervalMs(exporterArgs));
        System.out.println("  load average after the run: " + BenchMachine.loadAverage());
      }
    } finally {
      EmbeddedKafkaBroker.deleteRecursively(work);
    }
  }

  /** The exporters' commit interval: theirs if the arguments set it, else the default 1 s. */
  static long commitIntervalMs(List<String> exporterArgs) {
    int i = exporterArgs.lastIndexOf("--commit-interval");
    return i >= 0 && i + 1 < exporterArgs.size() ? Long.parseLong(exporterArgs.get(i + 1)) : 1000;
  }

  /** What one run measured: the probes' latencies and, in live mode, the producer and the lag. */
  record Result(
      int instances,
      int probes,
      long[] sortedMs,
      long lost,
      long backgroundSent,
      int live,
      double achievedRate,
      long liveSent,
      long lagMax,
      long lagAtProducerEnd,
      long lagLast,
      String lagEvery5s) {

    long percentile(int p) {
      return pct(sortedMs, p);
    }

    /**
     * Prints the figures, then whether the p99 is within two commit intervals (the product's
     * freshness target), so that a run says whether it met it.
     */
    void print(java.io.PrintStream out, long commitIntervalMs) {
      out.printf(
          Locale.ROOT,
          "instances=%d probes=%d seen=%d p50_ms=%d p90_ms=%d p99_ms=%d max_ms=%d lost=%d background_sent=%d%n",
          instances,
          probes,
          sortedMs.length,
          pct(sortedMs, 50),
          pct(sortedMs, 90),
          pct(sortedMs, 99),
          sortedMs.length == 0 ? -1 : sortedMs[sortedMs.length - 1],
          lost,
          backgroundSent);
      if (live > 0) {
        out.printf(
            Locale.ROOT,
            "  live: target %,d records/s, produced %,.0f records/s (%,d records);"
                + " lag max %,d records, at the end of producing %,d, last %,d%n",
            live,
            achievedRate,
            liveSent,
            lagMax,
            lagAtProducerEnd,
            lagLast);
        out.println("  lag every 5 s: " + lagEvery5s);
      }
      long p99 = pct(sortedMs, 99);
      out.printf(
          Locale.ROOT,
          "  target: p99 within two commit intervals (%d ms): %s%n",
          2 * commitIntervalMs,
          sortedMs.length == 0 ? "no probe seen" : p99 <= 2 * commitIntervalMs ? "met" : "NOT met");
    }
  }

  /**
   * Starts {@code instances} exporters of {@code flowexporter.jar} on a new topic of {@value
   * #PARTITIONS} partitions, times probes for {@code seconds}, and stops them.
   *
   * @param env added to the exporters' environment (for example {@code JDK_JAVA_OPTIONS})
   */
  static Result measure(
      String brokers,
      int instances,
      int seconds,
      int background,
      int live,
      List<String> extra,
      Map<String, String> env,
      Path work)
      throws Exception {
    String topic = "freshness-" + instances + (live > 0 ? "-live-" + live : "");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers))) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
    }
    List<ExporterProcess> exporters = new ArrayList<>();
    try (SteadyProducer traffic =
            SteadyProducer.start(
                brokers,
                topic,
                new PmacctRecords(7),
                live > 0 ? 1 : background,
                Duration.ofSeconds(seconds + 180));
        LiveTraffic liveTraffic = new LiveTraffic(brokers, topic, live);
        LagWatch lag = new LagWatch(brokers, topic, topic);
        KafkaProducer<String, String> probes = producer(brokers)) {
      for (int i = 0; i < instances; i++) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "--brokers",
                    brokers,
                    "--topic",
                    topic,
                    "--asn",
                    PmacctRecords.OWN + "," + BenchData.OWN_ASN,
                    "--application-id",
                    topic,
                    "--state-dir",
                    work.resolve(topic + "-" + i).toString(),
                    "--from-beginning"));
        args.addAll(extra);
        exporters.add(
            ExporterProcess.start(
                work.resolve(topic + "-" + i + ".log"), env, args.toArray(String[]::new)));
      }
      awaitReady(exporters);
      // The group settles (every instance owning tasks) before probes are timed.
      Thread.sleep(5_000);
      if (live > 0) {
        // The measured part starts warm: a cold JVM's first seconds at a high rate are its JIT
        // compiler's, and what they cost shows in bench/run's cold figures.
        liveTraffic.start(LIVE_WARMUP_SECONDS + seconds);
        Thread.sleep(LIVE_WARMUP_SECONDS * 1000L);
        lag.start();
      }
      Map<String, Long> sentAt = new ConcurrentHashMap<>();
      List<Long> latencies = new ArrayList<>();
      long end = System.currentTimeMillis() + seconds * 1000L;
      long nextProbe = 0;
      int probe = 0;
      while (System.currentTimeMillis() < end
          || (!sentAt.isEmpty() && System.currentTimeMillis() < end + 30_000)) {
        long now = System.currentTimeMillis();
        if (now >= nextProbe && now < end) {
          String name = "probe-" + probe++;
          sentAt.put(name, System.nanoTime());
          String json =
              "{\"event_type\":\"purge\",\"label\":\""
                  + name
                  + "\",\"as_src\":15169,\"as_dst\":"
                  + PmacctRecords.OWN
                  + ",\"ip_src\":\"192.0.2.1\",\"ip_dst\":\"198.51.100.1\",\"packets\":1,\"bytes\":100}";
          probes.send(
              new ProducerRecord<>(
                  topic, ThreadLocalRandom.current().nextInt(PARTITIONS), null, json));
          nextProbe = now + 200;
        }
        for (ExporterProcess e : exporters) {
          String body = metrics(e.metricsPort());
          long seen = System.nanoTime();
          sentAt
              .entrySet()
              .removeIf(
                  p -> {
                    if (body.contains("hostname=\"" + p.getKey() + "\"")) {
                      latencies.add((seen - p.getValue()) / 1_000_000);
                      return true;
                    }
                    return false;
                  });
        }
        Thread.sleep(25);
      }
      long[] ms = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      return new Result(
          instances,
          probe,
          ms,
          sentAt.size(),
          traffic.sent(),
          live,
          liveTraffic.achievedRate(),
          liveTraffic.sent(),
          lag.max(),
          lag.atProducerEnd(liveTraffic),
          lag.last(),
          lag.every(5));
    } finally {
      for (ExporterProcess e : exporters) {
        e.close();
      }
    }
  }

  private static long pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static void awaitReady(List<ExporterProcess> exporters) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    for (ExporterProcess e : exporters) {
      while (status(e.metricsPort()) != 200) {
        if (!e.isAlive() || System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("exporter did not become ready:\n" + e.log());
        }
        Thread.sleep(100);
      }
    }
  }

  private static int status(int port) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String metrics(int port) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      return "";
    }
  }

  private static KafkaProducer<String, String> producer(String brokers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** The benchmark's records at a steady rate, from a thread of its own; nothing at rate 0. */
  private static final class LiveTraffic implements AutoCloseable {

    private final String brokers;
    private final String topic;
    private final int rate;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean stop;
    private volatile long startNanos;
    private volatile long endNanos;
    private Thread thread;

    LiveTraffic(String brokers, String topic, int rate) {
      this.brokers = brokers;
      this.topic = topic;
      this.rate = rate;
    }

    void start(int seconds) {
      if (rate <= 0) {
        return;
      }
      // Made beforehand: making records is not what is measured.
      FlowGenerator generator = BenchData.generator(50, 4, 3);
      byte[][] pool = new byte[100_000][];
      for (int i = 0; i < pool.length; i++) {
        pool[i] = generator.next().getBytes(StandardCharsets.UTF_8);
      }
      thread = new Thread(() -> produce(pool, seconds), "live-traffic");
      thread.setDaemon(true);
      thread.start();
    }

    private void produce(byte[][] pool, int seconds) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
      p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
      p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L << 20));
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        long start = System.nanoTime();
        startNanos = start;
        long end = start + seconds * 1_000_000_000L;
        long i = 0;
        while (!stop && System.nanoTime() < end) {
          // Catches up on what is due by now: a producer that cannot keep the rate shows in the
          // achieved rate, not in a longer run.
          long due = (System.nanoTime() - start) / 1000 * rate / 1_000_000;
          for (; i < due; i++) {
            producer.send(
                new ProducerRecord<>(topic, pool[(int) (i % pool.length)]),
                (md, e) -> {
                  if (e != null) {
                    failed.incrementAndGet();
                  }
                });
          }
          sent.set(i);
          Thread.sleep(2);
        }
        producer.flush();
        sent.set(i);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        endNanos = System.nanoTime();
      }
    }

    long sent() {
      return sent.get() - failed.get();
    }

    /** Records a second over the producing time (up to now while it still runs). */
    double achievedRate() {
      long end = endNanos == 0 ? System.nanoTime() : endNanos;
      return startNanos == 0 ? 0 : sent() * 1e9 / Math.max(1, end - startNanos);
    }

    /** When producing ended ({@link System#nanoTime}), or 0 while it runs. */
    long endNanos() {
      return endNanos;
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      if (thread != null) {
        thread.join(30_000);
      }
    }
  }

  /**
   * The exporter's lag every second: the topic's end offsets minus the offsets its group committed.
   */
  private static final class LagWatch implements AutoCloseable {

    private final Admin admin;
    private final String topic;
    private final String group;
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lag-watch");
              t.setDaemon(true);
              return t;
            });
    private final List<long[]> samples = new CopyOnWriteArrayList<>(); // {nanoTime, lag}

    LagWatch(String brokers, String topic, String group) {
      this.admin = Admin.create(Map.of("bootstrap.servers", brokers));
      this.topic = topic;
      this.group = group;
    }

    void start() {
      timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private void sample() {
      try {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
          latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long end =
            admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                .sum();
        long committed =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(5, TimeUnit.SECONDS)
                .entrySet()
                .stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
        samples.add(new long[] {System.nanoTime(), end - committed});
      } catch (Exception e) {
        // a missed sample; the next one counts
      }
    }

    long max() {
      return samples.stream().mapToLong(s -> s[1]).max().orElse(-1);
    }

    /** Every {@code n}th sample's lag, in order: how the lag moved. */
    String every(int n) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < samples.size(); i += n) {
        out.append(out.length() == 0 ? "" : " ").append(samples.get(i)[1]);
      }
      return out.toString();
    }

    long last() {
      return samples.isEmpty() ? -1 : samples.get(samples.size() - 1)[1];
    }

    /** The first sample after the live producer ended, or the last one if it has not. */
    long atProducerEnd(LiveTraffic traffic) {
      long end = traffic.endNanos();
      return samples.stream()
          .filter(s -> end != 0 && s[0] >= end)
          .mapToLong(s -> s[1])
          .findFirst()
          .orElse(last());
    }

    @Override
    public void close() {
      timer.shutdownNow();
      admin.close();
    }
  }
}
