package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting in unusual conditions: with no broker to talk to, before the topic exists, and with the
 * state directory gone.
 */
class StartupIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  void unreachableBrokersGiveOneClearLineAndNotReady(@TempDir Path dir)
      throws InterruptedException {
    String nobody = "127.0.0.1:" + ExporterProcess.freePort();
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            "--brokers",
            nobody,
            "--topic",
            "flows",
            "--asn",
            "64500",
            "--state-dir",
            dir.resolve("state").toString())) {
      Await.until(
          Duration.ofSeconds(60),
          () -> exporter.log().contains("Kafka at " + nobody + " is not"),
          () -> "no word about the unreachable broker; log:\n" + exporter.log());
      awaitHealthy(exporter);
      assertThat(Scrape.status(exporter.metricsPort(), "/readyz")).isEqualTo(503);
      // Retries go on quietly: watched over several retry rounds (one every 2-8 s), the same
      // problem is not logged again within the minute, and no stack trace appears.
      Thread.sleep(15_000);
      assertThat(exporter.isAlive()).isTrue();
      long retriesLogged =
          exporter.log().lines().filter(l -> l.contains("Kafka at " + nobody)).count();
      assertThat(retriesLogged).as(exporter.log()).isEqualTo(1);
      assertThat(exporter.log()).doesNotContain("Exception", "\tat ");
      exporter.stopCleanly();
    }
  }

  @Test
  void brokerNamesThatDoNotResolveYetAreWaitedFor(@TempDir Path dir) {
    // .invalid never resolves (RFC 6761), as a Service without ready pods or DNS not up at boot.
    String unresolved = "kafka-1.invalid:9092,kafka-2.invalid:9092";
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            ExporterArgs.fromTheBeginning(unresolved, "flows", dir.resolve("state"), "it-dns"))) {
      Await.until(
          Duration.ofSeconds(60),
          () -> exporter.log().contains("No broker name of " + unresolved + " resolves yet"),
          () -> "no word about the names; log:\n" + exporter.log());
      Await.until(
          Duration.ofSeconds(30),
          () -> Scrape.status(exporter.metricsPort(), "/readyz") == 503,
          () -> "/readyz not 503; log:\n" + exporter.log());
      assertThat(exporter.isAlive()).isTrue();
      assertThat(exporter.log()).doesNotContain("exiting", "\tat ");
      exporter.stopCleanly();
    }
  }

  @Test
  void aSigtermWhileStartingStopsCleanly(@TempDir Path dir) throws Exception {
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            ExporterArgs.fromTheBeginning(
                broker.bootstrapServers(), "flows-sigterm", dir.resolve("state"), "it-sigterm"))) {
      // The exporter's first line, looked for every few milliseconds: its HTTP server is not up
      // yet (that takes a few tenths of a second more), the signal handler is.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!exporter.log().contains(" starting")) {
        assertThat(System.nanoTime()).as("no start; log:\n" + exporter.log()).isLessThan(deadline);
        Thread.sleep(5);
      }
      exporter.terminate();
      assertThat(exporter.waitFor(Duration.ofSeconds(60))).as(exporter.log()).isZero();
      assertThat(exporter.log()).contains("Stopped");
    }
  }

  @Test
  void waitsForTheTopicThenCountsExactly(@TempDir Path dir) throws Exception {
    String topic = "flows-later";
    PmacctRecords records = new PmacctRecords(101);
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            ExporterArgs.fromTheBeginning(
                broker.bootstrapServers(),
                topic,
                dir.resolve("state"),
                "it-later",
                "--commit-interval",
                "200"))) {
      Await.until(
          Duration.ofSeconds(60),
          () -> exporter.log().contains("Topic " + topic + " does not exist yet"),
          () -> "no word about the missing topic; log:\n" + exporter.log());
      awaitHealthy(exporter);
      assertThat(Scrape.status(exporter.metricsPort(), "/readyz")).isEqualTo(503);
      assertThat(exporter.isAlive()).isTrue();

      Topics.create(broker.bootstrapServers(), topic, 2);
      Topics.produce(broker.bootstrapServers(), topic, records, 1000);
      ExporterIT.awaitTotals(exporter, records);
      assertThat(exporter.log()).contains("Topic " + topic + " is there now (2 partitions)");
      exporter.stopCleanly();
    }
  }

  /**
   * A task asks for its first commit after its first batch of records: with a commit interval of
   * ten minutes, the first batch is committed (its input offsets, then the owners' totals of it on
   * /metrics) within seconds of the start, not ten minutes later.
   */
  @Test
  void commitsTheFirstBatchWithoutWaitingForTheCommitInterval(@TempDir Path dir) throws Exception {
    String topic = "flows-first-commit";
    Topics.create(broker.bootstrapServers(), topic, 2);
    PmacctRecords records = new PmacctRecords(103);
    Topics.produce(broker.bootstrapServers(), topic, records, 500);
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            ExporterArgs.fromTheBeginning(
                broker.bootstrapServers(),
                topic,
                dir.resolve("state"),
                "it-first-commit",
                "--commit-interval",
                "600000",
                "--kafka-property",
                "producer.transaction.timeout.ms=900000"))) {
      Await.until(
          Duration.ofSeconds(60),
          () -> anyOffsetCommitted("it-first-commit", topic),
          () -> "no input offset committed; log:\n" + exporter.log());
      // The owners commit their first batch as soon: totals on /metrics within seconds, each at
      // most what was produced (the rest waits for the commit interval).
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            Scrape scrape = Scrape.of(exporter.metricsPort());
            return scrape != null && Traffic.of(scrape).totalBytes() > 0;
          },
          () -> "no totals on /metrics; log:\n" + exporter.log());
      Map<String, long[]> produced = records.expected.series();
      Traffic.of(Scrape.of(exporter.metricsPort()))
          .series()
          .forEach(
              (series, counted) -> {
                assertThat(produced).containsKey(series);
                assertThat(counted[0]).as(series).isLessThanOrEqualTo(produced.get(series)[0]);
                assertThat(counted[1]).as(series).isLessThanOrEqualTo(produced.get(series)[1]);
              });
      exporter.stopCleanly();
    }
  }

  @Test
  void rebuildsLostStateFromTheChangelog(@TempDir Path dir) throws Exception {
    String topic = "flows-state-lost";
    Topics.create(broker.bootstrapServers(), topic, 3);
    PmacctRecords records = new PmacctRecords(102);
    Topics.produce(broker.bootstrapServers(), topic, records, 2000);
    Path state = dir.resolve("state");
    Path log = dir.resolve("exporter.log");
    String[] args =
        ExporterArgs.fromTheBeginning(
            broker.bootstrapServers(), topic, state, "it-state-lost", "--commit-interval", "200");
    try (ExporterProcess exporter = ExporterProcess.start(log, Map.of(), args)) {
      ExporterIT.awaitTotals(exporter, records);
      exporter.stopCleanly();
    }
    assertThat(state).isNotEmptyDirectory();
    deleteRecursively(state);
    Topics.produce(broker.bootstrapServers(), topic, records, 1000);

    try (ExporterProcess exporter = ExporterProcess.start(log, Map.of(), args)) {
      ExporterIT.awaitTotals(exporter, records);
      String afterRestart = exporter.ownLog();
      List<String> restoreLines =
          afterRestart.lines().filter(l -> l.contains("RestoreProgressLog")).toList();
      System.out.println("state directory lost, restore log:\n" + String.join("\n", restoreLines));
      for (int p = 0; p < 3; p++) {
        assertThat(afterRestart)
            .containsPattern(
                "Restoring series-totals for it-state-lost-series-totals-changelog-"
                    + p
                    + " from its changelog: [1-9][0-9]* records to read")
            .containsPattern(
                "Restored series-totals for it-state-lost-series-totals-changelog-"
                    + p
                    + ": [1-9][0-9]* records in [0-9]+ ms");
      }
      exporter.stopCleanly();
    }
  }

  private static boolean anyOffsetCommitted(String group, String topic) {
    try {
      return Topics.uncommitted(broker.bootstrapServers(), group, topic).values().stream()
          .anyMatch(range -> range[0] > 0);
    } catch (Exception e) {
      return false; // the group is not there yet
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * /healthz answers 200. The HTTP server starts beside the topic lookup: on a busy machine it may
   * answer a moment after the exporter's first word about Kafka or the topic.
   */
  private static void awaitHealthy(ExporterProcess exporter) {
    Await.until(
        Duration.ofSeconds(30),
        () -> Scrape.status(exporter.metricsPort(), "/healthz") == 200,
        () -> "/healthz does not answer 200; log:\n" + exporter.log());
  }
}
