package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.FlowClassifier;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** How long a scan waits for Kafka to position it: 10 s a question, and within its timeout. */
class FlowScannerTest {

  private static final String TOPIC = "pmacct.flows";
  private static final Instant NOW = Instant.parse("2026-11-29T15:00:00Z");

  private static FlowScanner scanner(ScriptedConsumer consumer) {
    FlowClassifier classifier =
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
    return new FlowScanner(() -> consumer, TOPIC, classifier, AsnLookup.EMPTY, 1 << 20);
  }

  private static FlowQuery query(FlowQuery.Kind kind, String query) {
    return FlowQuery.parse(kind, query, NOW);
  }

  @Test
  void eachQuestionWaitsTenSecondsAtMostWhenTheScanHasLonger() {
    ScriptedConsumer tap = new ScriptedConsumer(TOPIC, 3, Duration.ZERO, null);
    scanner(tap).open(query(FlowQuery.Kind.TAP, "timeout=60s")).close();
    // partitionsFor, then the position of each of the three partitions
    assertThat(tap.waits).hasSize(4);
    assertThat(tap.waits)
        .allSatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(9), FlowScanner.KAFKA_WAIT));

    ScriptedConsumer search = new ScriptedConsumer(TOPIC, 3, Duration.ZERO, null);
    scanner(search).open(query(FlowQuery.Kind.SEARCH, "from=-1h&timeout=60s")).close();
    // partitionsFor, offsetsForTimes, endOffsets
    assertThat(search.waits).hasSize(3);
    assertThat(search.waits)
        .allSatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(9), FlowScanner.KAFKA_WAIT));
  }

  @Test
  void aShortScanWaitsNoLongerThanItsTimeoutAndItsPositioningCountsAgainstIt() {
    ScriptedConsumer slow = new ScriptedConsumer(TOPIC, 2, Duration.ofMillis(1500), null);
    FlowScan scan = scanner(slow).open(query(FlowQuery.Kind.TAP, "timeout=2s"));
    assertThat(slow.waits.get(0)).isLessThanOrEqualTo(Duration.ofSeconds(2));
    // What the partitions took is gone from what the positions may wait.
    assertThat(slow.waits.subList(1, 3))
        .allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofMillis(500)));

    long start = System.nanoTime();
    ScanEnd end;
    try (scan) {
      end = scan.run(FlowWriter.ndjson(new ByteArrayOutputStream()));
    }
    assertThat(end.reason()).isEqualTo("timeout");
    assertThat(end.ms()).as("from the start of the positioning").isGreaterThanOrEqualTo(2000);
    // What was left of the 2 s: about half a second, well short of a whole timeout.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
  }

  @Test
  void aScanWhoseTimeoutRanOutBeforeKafkaPositionedItIsAKafkaTimeout() {
    ScriptedConsumer slow = new ScriptedConsumer(TOPIC, 1, Duration.ofMillis(1200), null);
    assertThatThrownBy(
            () -> scanner(slow).open(query(FlowQuery.Kind.SEARCH, "from=-1h&timeout=1s")))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("within the scan's timeout of 1s");
    assertThat(slow.closed()).as("its consumer").isTrue();
  }
}
