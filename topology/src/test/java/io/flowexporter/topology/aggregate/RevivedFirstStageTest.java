package io.flowexporter.topology.aggregate;

import static io.flowexporter.topology.TestFlows.TOPIC;
import static io.flowexporter.topology.TestFlows.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.TestFlows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first-stage task revived (after an aborted transaction) reads on from its last commit: what it
 * had read past that is read again, so the input time it reports next is that of the records read
 * since, not the newest one of the aborted attempt; and it reports at its first commit, although
 * its time mark interval (a minute here, the clock standing still) has not passed: the mark of the
 * aborted attempt never reached the owners.
 */
class RevivedFirstStageTest {

  @TempDir Path stateDir;

  private static final long EARLY = Instant.parse("2026-11-29T10:00:00Z").toEpochMilli();
  private static final long LATE = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();

  /**
   * Passes records to the first stage; a record keyed {@code abort} plays an attempt that reads a
   * record of {@code LATE} and aborts before its commit: the task's uncommitted work is dropped and
   * the task revived, as Kafka Streams does.
   */
  private static final class Revivable implements Processor<byte[], byte[], byte[], byte[]> {
    final FlowCountingProcessor inner;
    ProcessorContext<byte[], byte[]> context;

    Revivable(FlowCountingProcessor inner) {
      this.inner = inner;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.context = context;
      inner.init(context);
    }

    @Override
    public void process(Record<byte[], byte[]> r) {
      if (r.key() == null || !"abort".equals(new String(r.key(), StandardCharsets.UTF_8))) {
        inner.process(r);
        return;
      }
      byte[] late = record("edge1", 15169, 64500, 7, 1).getBytes(StandardCharsets.UTF_8);
      inner.process(new Record<>(null, late, LATE));
      ((PendingDeltasStore) context.getStateStore("pending")).clearCache();
      inner.init(context);
    }
  }

  @Test
  void aRevivedTaskReportsTheInputTimeOfWhatItReadSince() {
    List<Long> reported = new ArrayList<>();
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(new PendingDeltasStore.Builder("pending"));
    builder.stream(TOPIC, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .process(
            () -> new Revivable(FirstStages.asOnly("pending", new RecordOutcomes(), 60_000)),
            Named.as("count"),
            "pending")
        .process(
            () ->
                new Processor<byte[], byte[], Void, Void>() {
                  @Override
                  public void process(Record<byte[], byte[]> r) {
                    if (DeltaBatch.isTimeMark(r.value())) {
                      reported.add(DeltaBatch.newestInput(r.headers(), -1));
                    }
                  }
                },
            Named.as("owner"));

    try (TopologyTestDriver driver = TestFlows.driver(builder.build(), stateDir)) {
      var in = TestFlows.input(driver);
      in.pipeInput(null, record("edge1", 15169, 64500, 100, 1), Instant.ofEpochMilli(EARLY));
      assertThat(reported).containsExactly(EARLY);

      in.pipeInput("abort", "", Instant.ofEpochMilli(EARLY));
      assertThat(reported).as("nothing of the aborted attempt is sent").containsExactly(EARLY);

      // Read again from the last commit: a record of EARLY + 1 minute.
      in.pipeInput(
          null, record("edge1", 15169, 64500, 100, 1), Instant.ofEpochMilli(EARLY + 60_000));
      assertThat(reported).containsExactly(EARLY, EARLY + 60_000);
    }
  }
}
