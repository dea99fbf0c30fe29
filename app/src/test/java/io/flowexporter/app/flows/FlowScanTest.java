package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.FlowClassifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A search's window on a partition whose records several collectors stamped, clocks apart. */
class FlowScanTest {

  private static final Instant NOW = Instant.parse("2026-11-29T15:00:00Z");
  private static final TopicPartition TP = new TopicPartition("pmacct.flows", 0);
  private static final long TO = Instant.parse("2026-11-29T14:05:00Z").toEpochMilli();

  @Test
  void aSearchReadsPastARecordStampedJustAfterItsEndAndStopsWellAfterIt() throws Exception {
    MockConsumer<byte[], byte[]> consumer = consumer();
    long offset = 0;
    for (long[] m :
        new long[][] {
          {TO - 120_000, 1}, // in the window
          {TO - 10_000, 2}, // in the window
          {TO + 1_000, 3}, // another collector's clock a second ahead: skipped, not the end
          {TO - 500, 4}, // in the window, after it in the partition
          {TO + FlowScan.LATE_MS, 5}, // well after the window: the partition ends here
          {TO - 100, 6} // not read
        }) {
      consumer.addRecord(record(offset++, m[0], m[1]));
    }
    FlowQuery query =
        FlowQuery.parse(
            FlowQuery.Kind.SEARCH, "from=2026-11-29T14:00:00Z&to=2026-11-29T14:05:00Z", NOW);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    ScanEnd end = scan(consumer, query, 100, FlowWriter.ndjson(out));

    assertThat(end.reason()).isEqualTo("range");
    List<Long> bytes = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      JsonNode doc = new ObjectMapper().readTree(line);
      if (doc.has("network")) {
        bytes.add(doc.path("network").path("bytes").asLong());
      }
    }
    assertThat(bytes).containsExactly(1L, 2L, 4L);
  }

  @Test
  void aClientReadingSlowlyDoesNotKeepAScanPastItsTimeout() throws Exception {
    MockConsumer<byte[], byte[]> consumer = consumer();
    int records = 200;
    for (int i = 0; i < records; i++) {
      consumer.addRecord(record(i, TO - 60_000, i + 1));
    }
    FlowQuery query =
        FlowQuery.parse(
            FlowQuery.Kind.SEARCH,
            "from=2026-11-29T14:00:00Z&to=2026-11-29T14:05:00Z&timeout=2s",
            NOW);
    // 10 ms a write: the 200 flows of the one poll would take 4 s to write (2 writes each).
    OutputStream slowClient =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            try {
              Thread.sleep(10);
            } catch (InterruptedException e) {
              throw new InterruptedIOException();
            }
          }
        };

    ScanEnd end = scan(consumer, query, records, FlowWriter.ndjson(slowClient));

    assertThat(end.reason()).isEqualTo("timeout");
    assertThat(end.flows()).isLessThan(records);
  }

  @Test
  void whileNothingMatchesAKeepAliveGoesOutEveryQuarterOfASecond() throws Exception {
    // A tap of a topic where nothing comes: every poll takes its whole timeout.
    ScriptedConsumer quiet = new ScriptedConsumer(TP.topic(), 1, Duration.ZERO, null);
    FlowClassifier classifier =
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FlowScan scan =
        new FlowScanner(() -> quiet, TP.topic(), classifier, AsnLookup.EMPTY, 1 << 20)
            .open(FlowQuery.parse(FlowQuery.Kind.TAP, "timeout=1s", NOW))) {
      assertThat(scan.run(FlowWriter.ndjson(out)).reason()).isEqualTo("timeout");
    }
    String answer = out.toString(StandardCharsets.UTF_8);
    long keepAlives =
        answer.substring(0, answer.indexOf('{')).chars().filter(c -> c == ' ').count();
    // At 250, 500, 750 (and maybe 1000) ms; one every second poll of 200 ms would be two.
    assertThat(keepAlives).isGreaterThanOrEqualTo(3);
  }

  @Test
  void keepAlivesCountAgainstTheCapOfTheAnswer() throws Exception {
    ScriptedConsumer quiet = new ScriptedConsumer(TP.topic(), 1, Duration.ZERO, null);
    FlowClassifier classifier =
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
    // Room for the end line (the scan keeps 200 bytes for it) and 6 keep-alives of one byte: an
    // idle tap that nearly filled its cap.
    int cap = 200 + 2 + 5;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FlowScan scan =
        new FlowScanner(() -> quiet, TP.topic(), classifier, AsnLookup.EMPTY, cap)
            .open(FlowQuery.parse(FlowQuery.Kind.TAP, "timeout=5s", NOW))) {
      assertThat(scan.run(FlowWriter.ndjson(out)).reason()).isEqualTo("bytes");
    }
    String answer = out.toString(StandardCharsets.UTF_8);
    assertThat(answer.substring(0, answer.indexOf('{'))).isEqualTo(" ".repeat(6));
    assertThat(out.size()).isLessThanOrEqualTo(cap);
  }

  @Test
  void aPartitionWhosePositionIsNotKnownYetDoesNotHoldTheSearchUp() throws Exception {
    // As while a partition's position is validated again after its leader moved: the question
    // must not wait (a real consumer would wait up to 60 s), and the partition is not finished.
    List<Duration> waits = new ArrayList<>();
    MockConsumer<byte[], byte[]> consumer =
        new MockConsumer<>("earliest") {
          private int unknown = 3;
          private boolean timed;

          @Override
          public synchronized long position(TopicPartition partition) {
            if (!timed) {
              waits.add(null); // asked without a bound
            }
            return super.position(partition);
          }

          @Override
          public synchronized long position(TopicPartition partition, Duration timeout) {
            waits.add(timeout);
            if (unknown-- > 0) {
              throw new org.apache.kafka.common.errors.TimeoutException("not known yet");
            }
            timed = true; // MockConsumer answers it with the question without a bound
            try {
              return super.position(partition, timeout);
            } finally {
              timed = false;
            }
          }
        };
    consumer.assign(List.of(TP));
    consumer.updateBeginningOffsets(Map.of(TP, 0L));
    for (int i = 0; i < 3; i++) {
      consumer.addRecord(record(i, TO - 60_000, i + 1));
    }
    FlowQuery query =
        FlowQuery.parse(
            FlowQuery.Kind.SEARCH,
            "from=2026-11-29T14:00:00Z&to=2026-11-29T14:05:00Z&timeout=10s",
            NOW);

    ScanEnd end = scan(consumer, query, 3, FlowWriter.ndjson(new ByteArrayOutputStream()));

    assertThat(end.reason()).isEqualTo("range");
    assertThat(end.flows()).isEqualTo(3);
    assertThat(waits).hasSizeGreaterThan(3).containsOnly(Duration.ZERO);
  }

  /** A consumer of the one partition {@link #TP}, from offset 0. */
  private static MockConsumer<byte[], byte[]> consumer() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(TP));
    consumer.updateBeginningOffsets(Map.of(TP, 0L));
    return consumer;
  }

  /** A scan of {@link #TP} up to offset {@code end}, for own AS 64500, run to its end. */
  private static ScanEnd scan(
      MockConsumer<byte[], byte[]> consumer, FlowQuery query, long end, FlowWriter out) {
    FlowClassifier classifier =
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
    try (FlowScan scan =
        new FlowScan(
            consumer,
            query,
            Map.of(TP, end),
            classifier,
            AsnLookup.EMPTY,
            1 << 20,
            System.nanoTime())) {
      return scan.run(out);
    }
  }

  /** A receive record of {@code bytes} bytes, produced at {@code time}. */
  private static ConsumerRecord<byte[], byte[]> record(long offset, long time, long bytes) {
    byte[] value =
        ("{\"as_src\": 15169, \"as_dst\": 64500, \"ip_src\": \"8.8.8.8\", \"ip_dst\": \"192.0.2.1\","
                + " \"bytes\": "
                + bytes
                + ", \"packets\": 1}")
            .getBytes(StandardCharsets.UTF_8);
    return new ConsumerRecord<>(
        TP.topic(),
        TP.partition(),
        offset,
        time,
        TimestampType.CREATE_TIME,
        0,
        value.length,
        null,
        value,
        new RecordHeaders(),
        Optional.empty());
  }
}
