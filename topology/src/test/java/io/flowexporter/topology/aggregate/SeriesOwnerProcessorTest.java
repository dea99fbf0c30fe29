package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * When an owner asks its stream thread for a commit: at once for live deltas, deferred by a
 * punctuator within half an interval of the last request, never for a backlog, and not after the
 * thread's own commit took the deltas. Each test runs on a thread of its own, since the pacing is
 * per thread.
 */
class SeriesOwnerProcessorTest {

  private static final long NOW = 1_900_000_000_000L;
  private static final SeriesKey KEY = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);

  private final KeyValueStore<Bytes, byte[]> memory =
      Stores.inMemoryKeyValueStore("series-totals").get();
  private final SeriesTotalsStore store =
      new SeriesTotalsStore(memory, new CommittedTotals(), SeriesTotalsStoreTest.UNBOUNDED);
  private final MockProcessorContext<Void, Void> context;
  private final SeriesOwnerProcessor owner =
      new SeriesOwnerProcessor("series-totals", SeriesTotalsStoreTest.UNBOUNDED);

  SeriesOwnerProcessorTest() {
    context = ownerContext(store);
    context.setCurrentSystemTimeMs(NOW);
  }

  /** An owner task's context, with a commit interval of one second, holding {@code store}. */
  static MockProcessorContext<Void, Void> ownerContext(SeriesTotalsStore store) {
    return ownerContext(store, Duration.ofSeconds(1));
  }

  /** An owner task's context with that commit interval, holding {@code store}. */
  static MockProcessorContext<Void, Void> ownerContext(
      SeriesTotalsStore store, Duration commitInterval) {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitInterval.toMillis()));
    MockProcessorContext<Void, Void> context = new MockProcessorContext<>(config);
    context.addStateStore(store);
    return context;
  }

  private static Record<byte[], byte[]> batch(long flushedAt, Long newestInput) {
    DeltaBatch.Writer w = new DeltaBatch.Writer(1 + DeltaBatch.entryBytes(KEY.bytes().length));
    w.entry(KEY.bytes(), KEY.bytes().length, 100, 1, 1);
    return new Record<>(
        DeltaBatch.slotKey(0),
        w.bytes(),
        flushedAt,
        newestInput == null ? new RecordHeaders() : DeltaBatch.newestInputHeader(newestInput));
  }

  private void deliver(long at, Long newestInput) {
    context.setCurrentSystemTimeMs(at);
    owner.process(batch(at, newestInput));
  }

  /** The punctuators scheduled besides the expiry check, which init schedules first. */
  private List<CapturedPunctuator> deferrals() {
    List<CapturedPunctuator> all = context.scheduledPunctuators();
    return all.subList(1, all.size());
  }

  @Test
  void liveDeltasAskForACommitAtOnceAndTheNextWaveIsDeferredNotDropped() throws Exception {
    OnNewThread.run(
        () -> {
          owner.init(context);
          assertThat(context.scheduledPunctuators()).hasSize(1); // the expiry check only

          deliver(NOW, NOW - 300);
          assertThat(context.committed()).isTrue();
          assertThat(deferrals()).isEmpty();

          context.resetCommit();
          deliver(NOW + 20, NOW - 100); // another thread's wave, just after the request
          assertThat(context.committed()).isFalse();
          assertThat(deferrals()).hasSize(1);
          CapturedPunctuator deferral = deferrals().get(0);
          assertThat(deferral.getType())
              .isEqualTo(org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME);
          assertThat(deferral.getInterval()).isEqualTo(Duration.ofMillis(50));

          deliver(NOW + 40, NOW - 50); // still waiting: no second punctuator
          assertThat(deferrals()).hasSize(1);

          deferral.getPunctuator().punctuate(NOW + 300);
          assertThat(context.committed()).isFalse();
          assertThat(deferral.cancelled()).isFalse();
          deferral.getPunctuator().punctuate(NOW + 500);
          assertThat(context.committed()).isTrue();
          assertThat(deferral.cancelled()).isTrue();
        });
  }

  @Test
  void aBacklogWaitsForThePeriodicCommit() throws Exception {
    OnNewThread.run(
        () -> {
          owner.init(context);
          deliver(NOW, NOW - 60_000);
          deliver(NOW + 1, NOW - 5_000);
          assertThat(context.committed()).isFalse();
          assertThat(deferrals()).isEmpty();
          // batches from before the header existed: their timestamp, the flush time, says live
          deliver(NOW + 2, null);
          assertThat(context.committed()).isTrue();
        });
  }

  @Test
  void aDeferredRequestEndsWhenTheThreadsOwnCommitTookTheDeltas() throws Exception {
    OnNewThread.run(
        () -> {
          owner.init(context);
          deliver(NOW, NOW);
          context.resetCommit();
          deliver(NOW + 100, NOW + 100);
          CapturedPunctuator deferral = deferrals().get(0);

          store.flushCache(); // the periodic commit
          deferral.getPunctuator().punctuate(NOW + 600);
          assertThat(context.committed()).isFalse();
          assertThat(deferral.cancelled()).isTrue();
        });
  }

  @Test
  void closingCancelsADeferredRequest() throws Exception {
    OnNewThread.run(
        () -> {
          owner.init(context);
          deliver(NOW, NOW);
          deliver(NOW + 100, NOW + 100);
          CapturedPunctuator deferral = deferrals().get(0);
          owner.close();
          assertThat(deferral.cancelled()).isTrue();
        });
  }
}
