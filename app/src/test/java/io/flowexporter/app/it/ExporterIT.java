package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter end to end on a real KRaft broker, started as a user starts it (its jar, in a child
 * process): pmacct records in, exact totals per series on /metrics; stopped and restarted, it
 * continues where it stopped and counts what was produced while it was down.
 */
class ExporterIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  void countsExactlyAndContinuesAfterRestart(@TempDir Path dir) throws Exception {
    String topic = "flows-restart";
    Topics.create(broker.bootstrapServers(), topic, 3);
    PmacctRecords records = new PmacctRecords(42);
    Topics.produce(broker.bootstrapServers(), topic, records, 3000);
    String[] args = {
      "--brokers",
      broker.bootstrapServers(),
      "--topic",
      topic,
      "--asn",
      "64500,AS4200000001",
      "--state-dir",
      dir.resolve("state").toString(),
      "--application-id",
      "it-restart",
      "--from-beginning",
      "--commit-interval",
      "300"
    };
    Path log = dir.resolve("exporter.log");
    try (ExporterProcess exporter = ExporterProcess.start(log, Map.of(), args)) {
      Scrape s = awaitTotals(exporter, records);
      assertThat(s.value("flow_exporter_records_total{outcome=\"counted\"}"))
          .isEqualTo(records.counted);
      assertThat(s.value("flow_exporter_records_total{outcome=\"invalid\"}"))
          .isEqualTo(records.invalid);
      assertThat(s.value("flow_exporter_records_total{outcome=\"marker\"}"))
          .isEqualTo(records.markers);
      assertThat(s.value("flow_exporter_records_total{outcome=\"unmatched\"}"))
          .isEqualTo(records.unmatched);
      assertThat(Scrape.status(exporter.metricsPort(), "/readyz")).isEqualTo(200);
      assertThat(Scrape.status(exporter.metricsPort(), "/healthz")).isEqualTo(200);
      exporter.stopCleanly();
    }

    // Produced while the exporter is down: counted after the restart, nothing counted twice.
    Topics.produce(broker.bootstrapServers(), topic, records, 1500);
    try (ExporterProcess exporter = ExporterProcess.start(log, Map.of(), args)) {
      awaitTotals(exporter, records);
      assertThat(exporter.ownLog()).contains("Stream state REBALANCING -> RUNNING");
      exporter.stopCleanly();
    }
  }

  @Test
  void environmentVariablesConfigureTheExporter(@TempDir Path dir) throws Exception {
    String topic = "flows-env";
    Topics.create(broker.bootstrapServers(), topic, 1);
    PmacctRecords records = new PmacctRecords(7);
    Topics.produce(broker.bootstrapServers(), topic, records, 300);
    int port = ExporterProcess.freePort();
    Map<String, String> env =
        Map.of(
            "FLOW_EXPORTER_BROKERS",
            broker.bootstrapServers(),
            "FLOW_EXPORTER_TOPIC",
            topic,
            "FLOW_EXPORTER_ASN",
            "64500,4200000001",
            "FLOW_EXPORTER_ADDR",
            "127.0.0.1:" + port,
            "FLOW_EXPORTER_STATE_DIR",
            dir.resolve("state").toString(),
            "FLOW_EXPORTER_APPLICATION_ID",
            "it-env",
            "FLOW_EXPORTER_FROM_BEGINNING",
            "true");
    try (ExporterProcess exporter =
        ExporterProcess.startRaw(dir.resolve("exporter.log"), env, port)) {
      awaitTotals(exporter, records);
      // The application id and the state directory came from the environment too: the group
      // it-env commits, and its state is kept under the directory given.
      Await.until(
          Duration.ofSeconds(30),
          () -> {
            try {
              return Topics.uncommitted(broker.bootstrapServers(), "it-env", topic)
                  .values()
                  .stream()
                  .allMatch(range -> range[0] == range[1]);
            } catch (Exception e) {
              return false;
            }
          },
          () -> "group it-env did not commit; log:\n" + exporter.log());
      assertThat(dir.resolve("state").resolve("it-env")).isDirectory();
    }
  }

  /**
   * 100,000 good records with malformed messages of every kind mixed in (about 8% of the messages,
   * each kind many times, and a few of 1 MiB): the good totals are exact on /metrics, and each kind
   * is counted under its reason.
   */
  @Test
  void countsEveryKindOfMalformedRecordUnderItsReasonAndTheGoodOnesExactly(@TempDir Path dir)
      throws Exception {
    String topic = "flows-malformed";
    // room for the messages over 1 MiB, which the exporter must see to count them as too large
    Topics.create(
        broker.bootstrapServers(),
        topic,
        3,
        Map.of("max.message.bytes", Integer.toString(4 << 20)));
    PmacctRecords records = new PmacctRecords(18);
    MalformedRecords bad = new MalformedRecords(records);
    List<byte[]> messages = new ArrayList<>();
    int oneMib = 0;
    for (int i = 1; records.counted + records.unmatched < 100_000; i++) {
      messages.add(records.nextMessage().getBytes(StandardCharsets.UTF_8));
      if (i % 12 == 0) {
        messages.add(bad.next());
      }
      if (i % 3_000 == 0 && oneMib < 20) { // 20 MiB in all: a few suffice
        messages.add(
            bad.of(MalformedRecords.KINDS.get(MalformedRecords.KINDS.size() - 1 - oneMib++ % 2)));
      }
    }
    Topics.produceBytes(broker.bootstrapServers(), topic, messages);
    long malformed = bad.total() + records.invalid;
    assertThat(bad.byKind())
        .hasSameSizeAs(MalformedRecords.KINDS)
        .allSatisfy((kind, n) -> assertThat(n).as(kind).isGreaterThanOrEqualTo(10));
    assertThat((double) malformed / messages.size()).isGreaterThanOrEqualTo(0.05);

    String[] args = {
      "--brokers",
      broker.bootstrapServers(),
      "--topic",
      topic,
      "--asn",
      "64500,AS4200000001",
      "--state-dir",
      dir.resolve("state").toString(),
      "--application-id",
      "it-malformed",
      "--from-beginning",
      "--commit-interval",
      "300"
    };
    try (ExporterProcess exporter =
        ExporterProcess.start(dir.resolve("exporter.log"), Map.of(), args)) {
      Scrape s = awaitTotals(exporter, records, Duration.ofSeconds(300));
      assertThat(s.value("flow_exporter_records_total{outcome=\"counted\"}"))
          .isEqualTo(records.counted);
      assertThat(s.value("flow_exporter_records_total{outcome=\"unmatched\"}"))
          .isEqualTo(records.unmatched);
      assertThat(s.value("flow_exporter_records_total{outcome=\"marker\"}"))
          .isEqualTo(records.markers);
      assertThat(s.value("flow_exporter_records_total{outcome=\"invalid\"}")).isEqualTo(malformed);
      Map<String, Long> expected = new TreeMap<>(records.invalidByReason);
      bad.byReason().forEach((reason, n) -> expected.merge(reason, n, Long::sum));
      Map<String, Long> scraped = new TreeMap<>();
      s.family("flow_exporter_invalid_records_total")
          .forEach(
              (labels, v) -> {
                if (v > 0) {
                  scraped.put(labels.get("reason"), v.longValue());
                }
              });
      assertThat(scraped).isEqualTo(expected);
      // One line a minute about invalid records at most, never one per record.
      assertThat(exporter.ownLog().lines().count()).isLessThan(200);
      exporter.stopCleanly();
    }
  }

  /** Waits until /metrics shows exactly the expected totals; returns that scrape. */
  static Scrape awaitTotals(ExporterProcess exporter, PmacctRecords records) {
    return awaitTotals(exporter, records, Duration.ofSeconds(120));
  }

  static Scrape awaitTotals(ExporterProcess exporter, PmacctRecords records, Duration timeout) {
    Scrape[] last = {null};
    Await.until(
        timeout,
        () -> {
          if (!exporter.isAlive()) {
            throw new AssertionError("exporter exited early:\n" + exporter.log());
          }
          last[0] = Scrape.of(exporter.metricsPort());
          return last[0] != null && records.expected.equals(Traffic.of(last[0]));
        },
        () -> {
          // The outcome counts say whether records went missing before or after counting; they
          // come first and last because a CI excerpt may keep only one end of a long message.
          String outcomes = outcomes(records, last[0]);
          return outcomes
              + "\nexpected "
              + records.expected
              + "\nlast scrape "
              + (last[0] == null ? null : Traffic.of(last[0]))
              + "\nlog:\n"
              + exporter.log()
              + "\n"
              + outcomes;
        });
    return last[0];
  }

  private static String outcomes(PmacctRecords records, Scrape s) {
    StringBuilder b = new StringBuilder("records (all produced / counted by this process):");
    Map<String, Long> expected =
        Map.of(
            "counted",
            records.counted,
            "invalid",
            records.invalid,
            "marker",
            records.markers,
            "unmatched",
            records.unmatched);
    for (String outcome : List.of("counted", "invalid", "marker", "unmatched")) {
      Double scraped =
          s == null
              ? null
              : s.series().get("flow_exporter_records_total{outcome=\"" + outcome + "\"}");
      b.append(' ')
          .append(outcome)
          .append(' ')
          .append(expected.get(outcome))
          .append('/')
          .append(scraped == null ? "-" : String.format("%.0f", scraped));
    }
    return b.toString();
  }
}
