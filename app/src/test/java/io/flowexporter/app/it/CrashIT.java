package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the exporter at random moments while a producer writes to its topic.
 *
 * <p>Under exactly_once_v2 (the default) nothing is lost and nothing is counted twice, and no
 * scrape ever shows a counter lower than an earlier scrape did, across kills and restarts. Under
 * at_least_once nothing is lost either, but records processed after the last commit may be counted
 * again: the second test measures by how much, and asserts that no series exceeds what the killed
 * processes had left uncommitted.
 */
class CrashIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  void exactlyOnceSurvivesKill9UnderLoad(@TempDir Path dir) throws Exception {
    String topic = "flows-crash-eos";
    Topics.create(broker.bootstrapServers(), topic, 3);
    PmacctRecords records = new PmacctRecords(61);
    int port = ExporterProcess.freePort();
    String[] args = args(topic, dir, port, "it-crash-eos", "exactly_once_v2");
    Path log = dir.resolve("exporter.log");
    SplittableRandom random = new SplittableRandom(6);
    List<String> kills = new ArrayList<>();

    try (SteadyProducer producer =
            SteadyProducer.start(
                broker.bootstrapServers(), topic, records, 300, Duration.ofSeconds(150));
        ScrapeRecorder scrapes = new ScrapeRecorder(250)) {
      scrapes.watch("exporter", port);
      kills.addAll(crashFiveTimes(log, port, args, random, true, () -> {}));
      // A clean restart between the crashes and the end: SIGTERM, exit 0, start again.
      try (ExporterProcess exporter = ExporterProcess.startRaw(log, Map.of(), port, args)) {
        awaitReady(exporter);
        exporter.stopCleanly();
      }
      try (ExporterProcess exporter = ExporterProcess.startRaw(log, Map.of(), port, args)) {
        awaitReady(exporter);
        producer.finish();
        ExporterIT.awaitTotals(exporter, records);
        Thread.sleep(1000); // a few more scrapes of the final totals
        scrapes.close();
        System.out.printf(
            "exactly_once_v2: %d messages, kills %s, %d scrapes recorded (%d unanswered)%n",
            producer.sent(), kills, scrapes.samples().size(), scrapes.failedScrapes());
        assertThat(scrapes.decreases()).as("counters that went down").isEmpty();
        assertThat(scrapes.samples().size()).isGreaterThan(50);
        exporter.stopCleanly();
      }
    }
  }

  @Test
  void atLeastOnceCountsNothingLessAndReportsTheExcess(@TempDir Path dir) throws Exception {
    String topic = "flows-crash-alos";
    Topics.create(broker.bootstrapServers(), topic, 3);
    PmacctRecords records = new PmacctRecords(62);
    int port = ExporterProcess.freePort();
    String[] args = args(topic, dir, port, "it-crash-alos", "at_least_once");
    Path log = dir.resolve("exporter.log");
    SplittableRandom random = new SplittableRandom(7);
    List<String> kills = new ArrayList<>();

    try (SteadyProducer producer =
            SteadyProducer.start(
                broker.bootstrapServers(), topic, records, 300, Duration.ofSeconds(150));
        ScrapeRecorder scrapes = new ScrapeRecorder(250)) {
      scrapes.watch("exporter", port);
      // What each killed process may have counted without committing it: the offsets of each
      // partition that its group had not committed when it died (see the bound below).
      List<Map<Integer, long[]>> uncommitted = new ArrayList<>();
      // The same for the second stage: deltas past its committed offsets are added again.
      List<Traffic> uncommittedDeltas = new ArrayList<>();
      String deltas = "it-crash-alos-series-deltas-repartition";
      kills.addAll(
          crashFiveTimes(
              log,
              port,
              args,
              random,
              false,
              () -> {
                uncommitted.add(
                    Topics.uncommitted(broker.bootstrapServers(), "it-crash-alos", topic));
                uncommittedDeltas.add(
                    Topics.deltas(
                        broker.bootstrapServers(),
                        deltas,
                        Topics.uncommitted(broker.bootstrapServers(), "it-crash-alos", deltas)));
              }));
      try (ExporterProcess exporter = ExporterProcess.startRaw(log, Map.of(), port, args)) {
        awaitReady(exporter);
        producer.finish();
        Traffic seen = awaitAtLeast(exporter, records.expected);
        scrapes.close();

        // The bound on what is counted twice. Each of the two stages can count again what it had
        // processed past its committed offsets: the first stage input records, the second stage
        // deltas of the repartition topic. For the first: under at_least_once a commit sends the
        // deltas to
        // the changelog and then commits the input offsets, with no transaction around the two. A
        // kill -9 after the totals are written and before the offsets are committed leaves totals
        // in the changelog that include records past the committed offsets; the next process
        // restores those totals and counts the same records again. So each kill adds to each series
        // at most one more count of the records the killed process had processed since its last
        // commit, and those lie within [committed offset, log end offset) of each partition as read
        // right after the kill (the process is dead: its commits are final; the end only grows,
        // which widens the window). In steady state that window is about one commit interval of
        // input (200 ms x 300/s = 60 messages, plus what arrives while the test reads the offsets);
        // right after a restart the process catches up faster than 300/s, so the test uses the
        // window it measured rather than a rate. The bound holds per series and is a few percent of
        // the input (2.8 % of the bytes in one run): counting everything twice fails here, and so
        // does counting again more than the killed processes left uncommitted.
        Traffic allowed = Traffic.sum(uncommittedDeltas);
        long windowMessages = 0;
        List<Long> windows = new ArrayList<>();
        for (Map<Integer, long[]> atKill : uncommitted) {
          long messages = 0;
          for (Map.Entry<Integer, long[]> w : atKill.entrySet()) {
            allowed =
                Traffic.sum(
                    List.of(
                        allowed,
                        producer.producedIn(w.getKey(), w.getValue()[0], w.getValue()[1])));
            messages += w.getValue()[1] - w.getValue()[0];
          }
          windows.add(messages);
          windowMessages += messages;
        }
        long excessBytes = 0;
        long excessPackets = 0;
        Map<String, long[]> want = records.expected.series();
        Map<String, long[]> got = seen.series();
        Map<String, long[]> bound = allowed.series();
        assertThat(got.keySet()).isEqualTo(want.keySet());
        List<String> overBound = new ArrayList<>();
        for (Map.Entry<String, long[]> e : want.entrySet()) {
          long[] g = got.get(e.getKey());
          assertThat(g[0]).as("bytes of " + e.getKey()).isGreaterThanOrEqualTo(e.getValue()[0]);
          assertThat(g[1]).as("packets of " + e.getKey()).isGreaterThanOrEqualTo(e.getValue()[1]);
          long[] b = bound.getOrDefault(e.getKey(), new long[2]);
          if (g[0] - e.getValue()[0] > b[0] || g[1] - e.getValue()[1] > b[1]) {
            overBound.add(
                e.getKey()
                    + ": counted "
                    + (g[0] - e.getValue()[0])
                    + " bytes / "
                    + (g[1] - e.getValue()[1])
                    + " packets more than produced, at most "
                    + b[0]
                    + " / "
                    + b[1]
                    + " were uncommitted at the kills");
          }
          excessBytes += g[0] - e.getValue()[0];
          excessPackets += g[1] - e.getValue()[1];
        }
        System.out.printf(
            "at_least_once: %d messages at 300/s, 5 kills %s, commit interval 200 ms: counted %d bytes more than produced"
                + " (%.3f%% of %d) and %d packets more (%.3f%%); uncommitted at the kills: %s messages (%d in all,"
                + " %d bytes, bound %.3f%%); %d scrapes, counters that went down: %s%n",
            producer.sent(),
            kills,
            excessBytes,
            100.0 * excessBytes / records.expected.totalBytes(),
            records.expected.totalBytes(),
            excessPackets,
            100.0 * excessPackets / packets(want),
            windows,
            windowMessages,
            allowed.totalBytes(),
            100.0 * allowed.totalBytes() / records.expected.totalBytes(),
            scrapes.samples().size(),
            scrapes.decreases());
        assertThat(overBound)
            .as("series counted again more than the records uncommitted at the kills")
            .isEmpty();
        assertThat(scrapes.decreases()).as("counters that went down").isEmpty();
        exporter.stopCleanly();
      }
    }
  }

  /**
   * Starts the exporter and kills it (SIGKILL) at a random moment, five times.
   *
   * @param oneDuringStartUp whether the third kill lands during start-up
   * @param afterKill runs after each kill, before the next start
   * @return when each kill happened, for the test's report
   */
  private static List<String> crashFiveTimes(
      Path log,
      int port,
      String[] args,
      SplittableRandom random,
      boolean oneDuringStartUp,
      AfterKill afterKill)
      throws Exception {
    List<String> kills = new ArrayList<>();
    for (int kill = 1; kill <= 5; kill++) {
      try (ExporterProcess exporter = ExporterProcess.startRaw(log, Map.of(), port, args)) {
        kills.add(killAtRandomMoment(exporter, random, oneDuringStartUp && kill == 3));
        afterKill.run();
      }
    }
    return kills;
  }

  /** What to do right after each kill, before the next start. */
  private interface AfterKill {
    void run() throws Exception;
  }

  private static String[] args(
      String topic, Path dir, int port, String applicationId, String guarantee) {
    return ExporterArgs.fromTheBeginning(
        broker.bootstrapServers(),
        topic,
        dir.resolve("state"),
        applicationId,
        "--addr",
        "127.0.0.1:" + port,
        "--commit-interval",
        "200",
        "--processing-guarantee",
        guarantee,
        // A killed member leaves no LeaveGroup: the group waits this long before it hands the
        // partitions to the restarted process (the default is 45 s).
        "--kafka-property",
        "session.timeout.ms=6000",
        "--kafka-property",
        "heartbeat.interval.ms=1500");
  }

  /**
   * Kills the exporter with SIGKILL at a random moment: while it is processing (0-3 s after it is
   * ready), or, if {@code duringStart}, 0.5-4 s after the process started (joining the group,
   * restoring, or just running).
   */
  private static String killAtRandomMoment(
      ExporterProcess exporter, SplittableRandom random, boolean duringStart)
      throws InterruptedException {
    long started = System.nanoTime();
    String when;
    if (duringStart) {
      long ms = 500 + random.nextInt(3500);
      Thread.sleep(ms);
      when = ms + " ms after start";
    } else {
      awaitReady(exporter);
      long ms = random.nextInt(3000);
      Thread.sleep(ms);
      when = ms + " ms after ready";
    }
    assertThat(exporter.isAlive())
        .as("exporter alive before kill; log:\n" + exporter.log())
        .isTrue();
    exporter.kill9();
    return when + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)";
  }

  static void awaitReady(ExporterProcess exporter) {
    Await.until(
        Duration.ofSeconds(90),
        () -> {
          if (!exporter.isAlive()) {
            throw new AssertionError("exporter exited early:\n" + exporter.log());
          }
          return Scrape.status(exporter.metricsPort(), "/readyz") == 200;
        },
        () -> "not ready; log:\n" + exporter.log());
  }

  /** Waits until every series shows at least the produced totals and the scrape stops changing. */
  private static Traffic awaitAtLeast(ExporterProcess exporter, Traffic expected) {
    Traffic[] last = {null, null};
    Await.until(
        Duration.ofSeconds(120),
        () -> {
          Scrape s = Scrape.of(exporter.metricsPort());
          Traffic t = s == null ? null : Traffic.of(s);
          boolean stable = t != null && t.equals(last[0]) && atLeast(t, expected);
          last[1] = last[0];
          last[0] = t;
          return stable;
        },
        () ->
            "expected at least "
                + expected
                + "\nlast scrape "
                + last[0]
                + "\nlog:\n"
                + exporter.log());
    return last[0];
  }

  private static boolean atLeast(Traffic seen, Traffic expected) {
    Map<String, long[]> got = seen.series();
    for (Map.Entry<String, long[]> e : expected.series().entrySet()) {
      long[] g = got.get(e.getKey());
      if (g == null || g[0] < e.getValue()[0] || g[1] < e.getValue()[1]) {
        return false;
      }
    }
    return true;
  }

  private static long packets(Map<String, long[]> series) {
    return series.values().stream().mapToLong(v -> v[1]).sum();
  }
}
