package io.flowexporter.app.bench;

import io.flowexporter.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * The exporter's start-up, variant against variant (not a test: {@code bench/startup} runs it).
 *
 * <p>A real broker in this JVM and a 4-partition topic holding 20,000 generated records. Each run
 * starts the shaded jar with a fresh application id and state directory, reading from the
 * beginning, and times from process start until {@code /readyz} answers 200 and until the group's
 * first committed offset; the CPU seconds at readiness come from {@code /proc/PID/stat}. Variants
 * run interleaved (A B A B ...), so that a change of the machine's load hits each alike; the report
 * gives each variant's median and range.
 *
 * <p>{@code --restart} measures what a restart or a deployment costs instead of a first start: each
 * run first starts and stops the exporter once, unmeasured (its internal topics, local state and
 * committed offsets then exist), adds {@value #RESTART_RECORDS} records to the topic, and times the
 * next start of the same application with the same state directory; its first commit is the first
 * that goes past the offsets committed before.
 *
 * <p>Options: {@code --runs 5} per variant, {@code --variant "name=JVM options"} or {@code
 * --variant "name=JVM options -- exporter flags"} (repeatable; by default the benchmark's
 * recommended options alone; {@code -jar PATH} among a variant's JVM options runs that jar, and a
 * path ending in {@code /java} as their first word runs that JVM), {@code --jar
 * app/target/flow-exporter.jar}, {@code --logs DIR} to keep each start's log (its timestamps show
 * the phases of a start), {@code --restart}.
 */
public final class Startup {

  private static final int PARTITIONS = 4;
  private static final long RECORDS = 20_000;
  private static final long RESTART_RECORDS = 1_000;

  private Startup() {}

  public static void main(String[] args) throws Exception {
    int runs = 5;
    String jar = "app/target/flow-exporter.jar";
    Map<String, String> variants = new LinkedHashMap<>();
    Path logs = null;
    int idleSeconds = 0;
    boolean restart = false;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--restart")) {
        restart = true;
        i--; // a flag without a value
        continue;
      }
      if (i + 1 == args.length) {
        System.err.println(args[i] + " needs a value");
        System.exit(2);
      }
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--jar" -> jar = args[i + 1];
        case "--idle" -> idleSeconds = Integer.parseInt(args[i + 1]);
        case "--logs" -> logs = Files.createDirectories(Path.of(args[i + 1]));
        case "--variant" -> {
          String v = args[i + 1];
          int eq = v.indexOf('=');
          if (eq < 1) {
            System.err.println("--variant takes name=JVM options, got: " + v);
            System.exit(2);
          }
          variants.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> {
          System.err.println(
              "unknown option "
                  + args[i]
                  + "; options: --runs N, --variant name=opts, --jar PATH, --logs DIR, --idle S,"
                  + " --restart");
          System.exit(2);
        }
      }
    }
    if (variants.isEmpty()) {
      variants.put("recommended", BenchMachine.RECOMMENDED_JVM);
    }
    Path work = Files.createTempDirectory("flow-exporter-startup-");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    System.out.println("load average before start: " + BenchMachine.loadAverage());
    Map<String, List<Start>> results = new LinkedHashMap<>();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      BenchData.createTopic(broker.bootstrapServers(), "flows", PARTITIONS);
      BenchData.load(
          broker.bootstrapServers(), "flows", RECORDS, 1, BenchData.generator(500, 4, 1));
      Properties ap = new Properties();
      ap.put("bootstrap.servers", broker.bootstrapServers());
      try (Admin admin = Admin.create(ap)) {
        int n = 0;
        for (int r = 0; r < runs; r++) {
          for (Map.Entry<String, String> v : variants.entrySet()) {
            String appId = "startup-" + (n++);
            long committedBefore = 0;
            if (restart) {
              once(java, jar, v.getValue(), broker.bootstrapServers(), admin, work, appId, 0, 0);
              committedBefore = committedSum(admin, appId);
              for (int tries = 0; committedBefore < 0 && tries < 50; tries++) {
                Thread.sleep(100); // the admin call failed: a first commit needs a base to pass
                committedBefore = committedSum(admin, appId);
              }
              if (committedBefore < 0) {
                throw new IllegalStateException("could not read the offsets of " + appId);
              }
              BenchData.load(
                  broker.bootstrapServers(),
                  "flows",
                  RESTART_RECORDS,
                  1,
                  BenchData.generator(500, 4, n));
            }
            Start m =
                once(
                    java,
                    jar,
                    v.getValue(),
                    broker.bootstrapServers(),
                    admin,
                    work,
                    appId,
                    committedBefore,
                    idleSeconds);
            if (logs != null) {
              Files.copy(
                  work.resolve(appId + ".log"), logs.resolve(appId + "-" + v.getKey() + ".log"));
            }
            results.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(m);
            System.out.printf(
                Locale.ROOT,
                "%s: readyz %.2f s, first commit %.2f s, CPU at readyz %.2f s (%s),%s load %s%n",
                v.getKey(),
                m.readyz(),
                m.commit(),
                m.cpu(),
                m.threads(),
                idleSeconds > 0
                    ? String.format(Locale.ROOT, " idle CPU %.1f%%,", m.idleShare() * 100)
                    : "",
                BenchMachine.loadAverage());
          }
        }
      }
    } finally {
      EmbeddedKafkaBroker.deleteRecursively(work);
    }
    System.out.println();
    System.out.println(
        "| variant | JVM options | runs | /readyz 200, s (median, range) | first commit, s | CPU s at /readyz | idle CPU, % of a core |");
    System.out.println("|---|---|---:|---|---|---|---|");
    for (Map.Entry<String, List<Start>> e : results.entrySet()) {
      List<Start> ms = e.getValue();
      System.out.printf(
          Locale.ROOT,
          "| %s | `%s` | %d | %s | %s | %s | %s |%n",
          e.getKey(),
          variants.get(e.getKey()),
          ms.size(),
          summary(ms, Start::readyz),
          summary(ms, Start::commit),
          summary(ms, Start::cpu),
          idleSeconds > 0
              ? Figure.of(ms.stream().map(m -> m.idleShare() * 100).toList(), "%.1f")
                  .medianAndRange()
              : "-");
    }
    System.out.println("load average at the end: " + BenchMachine.loadAverage());
    System.exit(0);
  }

  /**
   * One start: seconds from process start to /readyz 200 and to the first commit, CPU seconds at
   * readiness and the threads that used most of it, and the share of a core used idle afterwards.
   */
  private record Start(
      double readyz, double commit, double cpu, String threads, double idleShare) {}

  /**
   * readyz seconds, first-commit seconds and CPU seconds at readyz, from process start; then, with
   * {@code idleSeconds}, the share of one core the exporter used while idle (nothing to consume)
   * that long after both.
   */
  private static Start once(
      String java,
      String jar,
      String jvm,
      String brokers,
      Admin admin,
      Path work,
      String appId,
      long committedBefore,
      int idleSeconds)
      throws Exception {
    int port = freePort();
    String[] parts = (" " + jvm + " ").split(" -- ", 2);
    List<String> jvmWords = new ArrayList<>(words(parts[0]));
    // another JVM: its java launcher as the first word of a variant's options
    if (!jvmWords.isEmpty() && jvmWords.get(0).endsWith("/java")) {
      java = jvmWords.remove(0);
    }
    List<String> cmd = new ArrayList<>(List.of(java));
    int ownJar = jvmWords.indexOf("-jar"); // a variant's own jar: "-jar PATH" among its options
    if (ownJar >= 0 && ownJar + 1 < jvmWords.size()) {
      jar = jvmWords.get(ownJar + 1);
      jvmWords.subList(ownJar, ownJar + 2).clear();
    }
    cmd.addAll(jvmWords);
    cmd.addAll(
        List.of(
            "-jar",
            jar,
            "--brokers",
            brokers,
            "--topic",
            "flows",
            "--asn",
            Long.toString(BenchData.OWN_ASN),
            "--from-beginning",
            "--application-id",
            appId,
            "--state-dir",
            work.resolve(appId).toString(),
            "--addr",
            "127.0.0.1:" + port));
    if (parts.length > 1) {
      cmd.addAll(words(parts[1]));
    }
    Path log = work.resolve(appId + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("FLOW_EXPORTER_"));
    long launch = System.nanoTime();
    Process p = pb.start();
    double ready = 0;
    double commit = 0;
    double cpu = 0;
    double idle = 0;
    String threads = "";
    try {
      while (ready == 0 || commit == 0) {
        if (!p.isAlive() || System.nanoTime() - launch > TimeUnit.SECONDS.toNanos(120)) {
          throw new IllegalStateException("exporter did not start; log:\n" + Files.readString(log));
        }
        double now = (System.nanoTime() - launch) / 1e9;
        if (ready == 0 && status(port) == 200) {
          ready = now;
          cpu = ProcStats.of(p.pid()).cpuSeconds();
          threads = ProcStats.describe(ProcStats.threadCpu(p.pid()), Map.of(), 6);
        }
        if (commit == 0 && committedSum(admin, appId) > committedBefore) {
          commit = (System.nanoTime() - launch) / 1e9;
        }
        Thread.sleep(10);
      }
      if (idleSeconds > 0) {
        Thread.sleep(2000); // past the first commits and the JIT compiler's start-up work
        double before = ProcStats.of(p.pid()).cpuSeconds();
        Thread.sleep(idleSeconds * 1000L);
        idle = (ProcStats.of(p.pid()).cpuSeconds() - before) / idleSeconds;
      }
    } finally {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    return new Start(ready, commit, cpu, threads, idle);
  }

  private static List<String> words(String s) {
    return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }

  /** The sum of the group's committed offsets (its input and repartition topics), or -1. */
  private static long committedSum(Admin admin, String group) {
    try {
      Map<?, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(5, TimeUnit.SECONDS);
      return offsets.values().stream().filter(o -> o != null).mapToLong(o -> o.offset()).sum();
    } catch (Exception e) {
      return -1;
    }
  }

  private static int status(int port) {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + port + "/readyz").toURL().openConnection();
      c.setConnectTimeout(200);
      c.setReadTimeout(1000);
      try {
        return c.getResponseCode();
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return 0;
    }
  }

  private static String summary(List<Start> ms, ToDoubleFunction<Start> figure) {
    return Figure.of(ms.stream().map(m -> figure.applyAsDouble(m)).toList(), "%.2f")
        .medianAndRange();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
