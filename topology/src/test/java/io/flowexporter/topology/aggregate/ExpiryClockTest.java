package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The owner's clock of expiry with several input partitions: the time of the slowest partition that
 * still reports, so that after a long stop a series whose traffic waits in a slow partition's
 * backlog is not dropped because a faster partition reached the present; and time marks, so that an
 * owner none of whose series changed still expires its quiet ones.
 */
class ExpiryClockTest {

  private static final Duration TTL = Duration.ofHours(1);
  private static final long CHECK = new SeriesLimits(100, TTL).expiryCheckInterval().toMillis();
  private static final long NOW = 1_900_000_000_000L;
  private static final SeriesKey OLD = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
  private static final SeriesKey OTHER = AsFamily.key(Direction.RECEIVE, "edge2", 13335, 64500);

  private final KeyValueStore<Bytes, byte[]> memory =
      Stores.inMemoryKeyValueStore("series-totals").get();
  private final CommittedTotals committed = new CommittedTotals();
  private final SeriesTotalsStore store =
      new SeriesTotalsStore(memory, committed, new SeriesLimits(100, TTL));
  private final MockProcessorContext<Void, Void> context =
      SeriesOwnerProcessorTest.ownerContext(store);
  private final SeriesOwnerProcessor owner =
      new SeriesOwnerProcessor("series-totals", new SeriesLimits(100, TTL));

  private void deliver(long at, int inputPartition, long newestInput, SeriesKey key) {
    deliverTo(context, at, inputPartition, newestInput, key);
  }

  private void deliverTo(
      MockProcessorContext<Void, Void> context,
      long at,
      int inputPartition,
      long newestInput,
      SeriesKey key) {
    context.setCurrentSystemTimeMs(at);
    byte[] value;
    if (key == null) {
      value = DeltaBatch.timeMark();
    } else {
      DeltaBatch.Writer w = new DeltaBatch.Writer(1 + DeltaBatch.entryBytes(key.bytes().length));
      w.entry(key.bytes(), key.bytes().length, 100, 1, 1);
      value = w.bytes();
    }
    owner.process(
        new Record<>(
            DeltaBatch.slotKey(0),
            value,
            at,
            DeltaBatch.inputHeaders(inputPartition, newestInput)));
  }

  /** The owner's thread commits: what it wrote is published. */
  private void commit() {
    store.flushCache();
    committed.committed();
  }

  private void check(long at) {
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(at);
  }

  @Test
  void aSeriesWaitingInASlowPartitionsBacklogIsNotDroppedWhileThatPartitionCatchesUp()
      throws Exception {
    OnNewThread.run(
        () -> {
          // Before a stop of 5 hours: OLD came through partition 1, OTHER through partition 0.
          long stop = NOW - Duration.ofHours(5).toMillis();
          context.setCurrentSystemTimeMs(stop);
          owner.init(context);
          deliver(stop, 1, stop, OLD);
          deliver(stop, 0, stop, OTHER);
          commit();
          assertThat(committed.snapshot()).containsOnlyKeys(OLD, OTHER);

          // Restarted: partition 0 reads its backlog fast and is at the present; partition 1 is
          // 30 minutes into its own backlog (OLD's next traffic lies further on).
          long thirtyMinutesOn = stop + Duration.ofMinutes(30).toMillis();
          deliver(NOW, 0, NOW, OTHER);
          deliver(NOW, 1, thirtyMinutesOn, null);
          commit();
          check(NOW + CHECK);
          assertThat(committed.snapshot()).containsOnlyKeys(OLD, OTHER);

          // Partition 1 reads on, past an hour of OLD's silence: then OLD was quiet for the TTL.
          long twoHoursOn = stop + Duration.ofHours(2).toMillis();
          deliver(NOW + CHECK, 0, NOW + CHECK, OTHER);
          deliver(NOW + CHECK, 1, twoHoursOn, null);
          commit();
          check(NOW + 2 * CHECK);
          assertThat(committed.snapshot()).containsOnlyKeys(OTHER);
        });
  }

  /**
   * With a long commit interval, a slow partition whose thread commits at other moments than the
   * fast one's reports only that often: it still holds expiry back between its reports.
   */
  @Test
  void aSlowPartitionReportingOncePerLongCommitIntervalStillCounts() throws Exception {
    MockProcessorContext<Void, Void> tenMinutes =
        SeriesOwnerProcessorTest.ownerContext(store, Duration.ofMinutes(10));
    OnNewThread.run(
        () -> {
          long stop = NOW - Duration.ofHours(5).toMillis();
          tenMinutes.setCurrentSystemTimeMs(stop);
          owner.init(tenMinutes);
          deliverTo(tenMinutes, stop, 1, stop, OLD);
          commit();
          // Partition 1 reports once, 30 minutes into its backlog; partition 0, on another
          // thread, reports the present every commit of its own for the next seven minutes.
          deliverTo(tenMinutes, NOW, 1, stop + Duration.ofMinutes(30).toMillis(), null);
          for (long t = NOW; t <= NOW + Duration.ofMinutes(7).toMillis(); t += CHECK) {
            deliverTo(tenMinutes, t, 0, t, OTHER);
            commit();
            tenMinutes.scheduledPunctuators().get(0).getPunctuator().punctuate(t);
          }
          assertThat(committed.snapshot()).containsOnlyKeys(OLD, OTHER);
        });
  }

  @Test
  void aPartitionThatStoppedReportingHoldsNobodyBack() throws Exception {
    OnNewThread.run(
        () -> {
          long start = NOW - Duration.ofHours(3).toMillis();
          context.setCurrentSystemTimeMs(start);
          owner.init(context);
          deliver(start, 0, start, OLD);
          deliver(start, 1, start, OTHER);
          commit();
          // OTHER's last traffic comes through partition 1 an hour and a half in, then that
          // partition falls silent (its routers stopped); partition 0 goes on to the present.
          long later = start + Duration.ofMinutes(90).toMillis();
          deliver(later, 1, later, OTHER);
          for (long t = later; t <= NOW; t += CHECK) {
            deliver(t, 0, t, OLD);
            commit();
            check(t);
          }
          // OTHER had no traffic for an hour and a half by partition 0's time, which alone
          // reports now: partition 1's time, stuck where it fell silent, does not keep OTHER.
          assertThat(committed.snapshot()).containsOnlyKeys(OLD);
        });
  }

  @Test
  void timeMarksAloneExpireAnOwnersQuietSeriesAndAskForNoCommit() throws Exception {
    OnNewThread.run(
        () -> {
          long start = NOW - Duration.ofHours(2).toMillis();
          context.setCurrentSystemTimeMs(start);
          owner.init(context);
          deliver(start, 0, start, OLD);
          commit();
          context.resetCommit();
          // Input goes on, but none of this owner's series changes: only time marks come.
          deliver(NOW, 0, NOW, null);
          assertThat(context.committed()).isFalse();
          check(NOW + CHECK);
          assertThat(committed.snapshot()).isEmpty();
          assertThat(Set.copyOf(store.readStore().keySet())).containsExactly(OLD);
          commit();
          assertThat(store.readStore()).isEmpty();
        });
  }

  /**
   * An owner that starts (a task moved here, a revival) hears first from the partitions whose
   * threads commit soonest, perhaps only the fast ones: it expires nothing until a slow partition
   * reporting at its own commits has had the time to speak.
   */
  @Test
  void aNewOwnerListensToEveryPartitionBeforeItsFirstExpiry() throws Exception {
    OnNewThread.run(
        () -> {
          // The previous owner counted OLD two hours ago, through partition 1.
          long twoHoursAgo = NOW - Duration.ofHours(2).toMillis();
          context.setCurrentSystemTimeMs(twoHoursAgo);
          owner.init(context);
          deliver(twoHoursAgo, 1, twoHoursAgo, OLD);
          commit();
          owner.close();

          // This owner starts now. Partition 0 is at the present and reports at once; partition
          // 1, 30 minutes after OLD's traffic in its backlog, reports at its next commit only.
          context.setCurrentSystemTimeMs(NOW);
          owner.init(context);
          deliver(NOW, 0, NOW, OTHER);
          commit();
          checkLatest(NOW + CHECK);
          assertThat(committed.snapshot())
              .as("partition 0 alone has reported")
              .containsOnlyKeys(OLD, OTHER);
          deliver(NOW + CHECK + 1, 0, NOW + CHECK, OTHER);
          deliver(NOW + CHECK + 1, 1, twoHoursAgo + Duration.ofMinutes(30).toMillis(), null);
          commit();
          checkLatest(NOW + 2 * CHECK);
          assertThat(committed.snapshot()).containsOnlyKeys(OLD, OTHER);

          // Once partition 1 is past an hour of OLD's silence, OLD goes.
          for (long t = NOW + 2 * CHECK; t <= NOW + 4 * CHECK; t += CHECK) {
            deliver(t, 0, t, OTHER);
            deliver(t, 1, twoHoursAgo + Duration.ofMinutes(61).toMillis(), null);
            commit();
            checkLatest(t + 1);
          }
          assertThat(committed.snapshot()).containsOnlyKeys(OTHER);
        });
  }

  /** The expiry check the owner's last init scheduled. */
  private void checkLatest(long at) {
    var punctuators = context.scheduledPunctuators();
    punctuators.get(punctuators.size() - 1).getPunctuator().punctuate(at);
  }
}
