package io.flowexporter.topology.aggregate;

import static io.flowexporter.topology.TestFlows.START;
import static io.flowexporter.topology.TestFlows.TOPIC;
import static io.flowexporter.topology.TestFlows.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.FlowTopology;
import io.flowexporter.topology.TestFlows;
import io.flowexporter.topology.TopologyConfig;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiry ({@code --series-ttl}): a series with no delta for the TTL is dropped from scrapes and
 * from the store by the owner's check (a wall-clock punctuator); one with traffic stays. Time is
 * the input's: the records' Kafka times, never ahead of the driver's wall clock.
 */
class SeriesExpiryTest {

  private static final Duration TTL = Duration.ofMinutes(10);
  private static final SeriesKey QUIET = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
  private static final SeriesKey BUSY = AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 13335);
  private static final long T0 = 1_900_000_000_000L;

  @TempDir Path stateDir;

  private final CommittedTotals committed = new CommittedTotals();

  @Test
  void quietSeriesLeaveTheSnapshotAndTheStoreBusyOnesStay() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = TestFlows.input(driver);
      SeriesTotalsStore store = (SeriesTotalsStore) driver.getStateStore(FlowTopology.STORE);
      in.pipeInput(null, record("edge1", 15169, 64500, 100, 1), START);
      in.pipeInput(null, record("edge1", 64500, 13335, 200, 2), START);
      committed.committed();
      assertThat(committed.snapshot()).containsOnlyKeys(QUIET, BUSY);

      // 6 minutes on (the check runs, nothing is past the TTL yet); only BUSY has traffic.
      driver.advanceWallClockTime(Duration.ofMinutes(6));
      in.pipeInput(null, record("edge1", 64500, 13335, 20, 1), START.plus(Duration.ofMinutes(6)));
      committed.committed();
      assertThat(committed.snapshot()).containsOnlyKeys(QUIET, BUSY);

      // 11 minutes after QUIET's last delta, 5 after BUSY's: QUIET goes, from scrapes and store.
      driver.advanceWallClockTime(Duration.ofMinutes(5));
      in.pipeInput(null, record("edge1", 64500, 13335, 1, 1), START.plus(Duration.ofMinutes(11)));
      driver.advanceWallClockTime(Duration.ofMinutes(1)); // the next check
      committed.committed();
      assertThat(committed.snapshot()).containsExactly(Map.entry(BUSY, new Totals(221, 4, 3)));
      assertThat(store.readStore()).containsExactly(Map.entry(BUSY, new Totals(221, 4, 3)));
      assertThat(committed.seriesOf(AsFamily.FAMILY.id())).isEqualTo(1);

      // A dropped series that comes back starts over: its old total is gone with it.
      in.pipeInput(null, record("edge1", 15169, 64500, 5, 1), START.plus(Duration.ofMinutes(12)));
      committed.committed();
      assertThat(committed.snapshot())
          .isEqualTo(Map.of(QUIET, new Totals(5, 1, 1), BUSY, new Totals(221, 4, 3)));

      // BUSY falls quiet too, while QUIET has traffic.
      Instant later = START.plus(Duration.ofMinutes(12)).plus(TTL).plusSeconds(90);
      driver.advanceWallClockTime(TTL.plusMinutes(1));
      in.pipeInput(null, record("edge1", 15169, 64500, 5, 1), later);
      driver.advanceWallClockTime(Duration.ofMinutes(1));
      assertThat(committed.snapshot()).containsOnlyKeys(QUIET);
      assertThat(store.readStore()).containsOnlyKeys(QUIET);
    }
  }

  @Test
  void timeGoesByTheInputNotTheWallClock() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = TestFlows.input(driver);
      in.pipeInput(null, record("edge1", 15169, 64500, 100, 1), START);
      in.pipeInput(null, record("edge1", 64500, 13335, 200, 2), START);
      committed.committed();

      // No input for 13 hours (an outage, a stopped exporter): nothing expires meanwhile.
      driver.advanceWallClockTime(Duration.ofHours(13));
      assertThat(committed.snapshot()).containsOnlyKeys(QUIET, BUSY);

      // The backlog is read: its traffic a minute after the last, then a record stamped a year
      // ahead by a wrong clock. Expiry goes by the backlog's time, never past the wall clock.
      in.pipeInput(null, record("edge1", 64500, 13335, 1, 1), START.plus(Duration.ofMinutes(1)));
      driver.advanceWallClockTime(Duration.ofMinutes(1));
      assertThat(committed.snapshot()).containsOnlyKeys(QUIET, BUSY);
      in.pipeInput(null, record("edge1", 64500, 13335, 1, 1), START.plus(Duration.ofDays(365)));
      driver.advanceWallClockTime(Duration.ofMinutes(1));
      // The wall clock is 13 h on: QUIET's traffic is that old, BUSY has some from the future.
      assertThat(committed.snapshot()).containsOnlyKeys(BUSY);
    }
  }

  private TopologyTestDriver driver() {
    TopologyConfig config =
        new TopologyConfig(
            TOPIC, List.of(64500L), AsnFromIp.NEVER, 1, TopologyConfig.DEFAULT_MAX_SERIES, TTL);
    return TestFlows.driver(
        FlowTopology.build(
            config, 1, AsnLookup.EMPTY, SeriesFamilies.asOnly(), committed, new RecordOutcomes()),
        stateDir);
  }

  // The store alone, with time passed as arguments.

  private final KeyValueStore<Bytes, byte[]> memory =
      Stores.inMemoryKeyValueStore("series-totals").get();

  @Test
  void expiryHidesAtOnceAndDeletesAtTheNextFlushSoARestartDoesNotBringItBack() {
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed, new SeriesLimits(100, TTL));
    store.activate();
    SeriesTotalsStoreTest.add(store, QUIET, 100, 1, 1, T0);
    SeriesTotalsStoreTest.add(store, BUSY, 200, 2, 1, T0 + 5);
    store.flushCache();
    committed.committed();

    assertThat(store.expire(T0 + 1)).isEqualTo(1);
    assertThat(committed.snapshot()).containsOnlyKeys(BUSY);
    assertThat(store.readStore()).as("not before the commit").containsOnlyKeys(QUIET, BUSY);
    store.flushCache();
    assertThat(store.readStore()).containsOnlyKeys(BUSY);
    committed.committed();

    CommittedTotals afterRestart = new CommittedTotals();
    new SeriesTotalsStore(memory, afterRestart, new SeriesLimits(100, TTL)).activate();
    assertThat(afterRestart.snapshot()).containsExactly(Map.entry(BUSY, new Totals(200, 2, 1)));
  }

  @Test
  void seriesWithDeltasNotYetPublishedAreNotExpired() {
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed, new SeriesLimits(100, TTL));
    store.activate();
    // Pending (not flushed): kept.
    SeriesTotalsStoreTest.add(store, QUIET, 100, 1, 1, T0);
    assertThat(store.expire(T0 + 1)).isZero();
    // Written but its commit not yet reported: kept, so that the publication finds it.
    store.flushCache();
    assertThat(store.expire(T0 + 1)).isZero();
    committed.committed();
    assertThat(committed.snapshot()).containsExactly(Map.entry(QUIET, new Totals(100, 1, 1)));
    // Published and quiet: dropped.
    assertThat(store.expire(T0 + 1)).isEqualTo(1);
    assertThat(committed.snapshot()).isEmpty();
  }

  @Test
  void anExpiredSeriesFreesItsPlaceUnderTheBound() {
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed, new SeriesLimits(1, TTL));
    store.activate();
    SeriesKey overflow = SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 0);
    SeriesKey other = AsFamily.key(Direction.RECEIVE, "edge2", 15169, 64500);
    SeriesTotalsStoreTest.add(store, QUIET, 100, 1, 1, T0);
    SeriesTotalsStoreTest.add(store, other, 7, 1, 1, T0 + 10);
    store.flushCache();
    committed.committed();
    assertThat(committed.snapshot()).containsOnlyKeys(QUIET, overflow);

    assertThat(store.expire(T0 + 1))
        .isEqualTo(1); // QUIET only: the overflow series saw a delta at T0 + 10
    store.flushCache();
    committed.committed();
    SeriesTotalsStoreTest.add(store, other, 8, 1, 1, T0 + 20);
    store.flushCache();
    committed.committed();
    assertThat(committed.snapshot())
        .isEqualTo(Map.of(other, new Totals(8, 1, 1), overflow, new Totals(7, 1, 1)));
  }

  @Test
  void aBucketEmptiedByExpiryJustBeforeTheBucketsDoubleIsDeletedWithTheOldCount() {
    SeriesTotalsStore store =
        new SeriesTotalsStore(memory, committed, new SeriesLimits(1_000_000, TTL));
    store.activate();
    // Exactly as many series as 1,024 buckets take before doubling; those of bucket 0 quiet.
    java.util.Set<SeriesKey> quiet = new java.util.HashSet<>();
    int limit = SeriesBuckets.MIN_COUNT * SeriesBuckets.SERIES_PER_BUCKET;
    for (long as = 1; as <= limit; as++) {
      SeriesKey k = AsFamily.key(Direction.RECEIVE, "edge1", as, 64500);
      boolean inBucket0 = SeriesBuckets.bucketOf(k.hash(), SeriesBuckets.MIN_COUNT) == 0;
      if (inBucket0) {
        quiet.add(k);
      }
      SeriesTotalsStoreTest.add(store, k, 1, 1, 1, inBucket0 ? T0 : T0 + 100);
    }
    store.flushCache();
    committed.committed();
    assertThat(quiet).isNotEmpty();

    // Bucket 0 expires; before the next commit, new series double the buckets.
    assertThat(store.expire(T0 + 1)).isEqualTo(quiet.size());
    for (long as = 1; as <= quiet.size() + 100; as++) {
      SeriesTotalsStoreTest.add(
          store, AsFamily.key(Direction.RECEIVE, "edge2", as, 64500), 1, 1, 1, T0 + 200);
    }
    store.flushCache();
    committed.committed();

    CommittedTotals afterRestart = new CommittedTotals();
    new SeriesTotalsStore(memory, afterRestart, new SeriesLimits(1_000_000, TTL)).activate();
    assertThat(afterRestart.snapshot())
        .hasSize(limit + 100)
        .doesNotContainKeys(quiet.toArray(SeriesKey[]::new));
  }

  @Test
  void theCheckRunsOftenEnoughForShortTtlsAndAtMostOnceAMinute() {
    assertThat(new SeriesLimits(1, Duration.ofSeconds(2)).expiryCheckInterval())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(new SeriesLimits(1, Duration.ofMinutes(2)).expiryCheckInterval())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(new SeriesLimits(1, Duration.ofDays(30)).expiryCheckInterval())
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(SeriesLimits.of(Integer.MAX_VALUE, 1, TTL).maxSeriesOf(0))
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void maxSeriesIsSharedByTheOwnerSlotsEachPartitionHolds() {
    // 256 slots over 12 partitions: 0-3 hold 22, 4-11 hold 21.
    assertThat(DeltaBatch.slotsOf(0, 12)).isEqualTo(22);
    assertThat(DeltaBatch.slotsOf(3, 12)).isEqualTo(22);
    assertThat(DeltaBatch.slotsOf(4, 12)).isEqualTo(21);
    assertThat(SeriesLimits.of(1000, 12, TTL).maxSeriesOf(0)).isEqualTo(86); // 1000 * 22 / 256
    assertThat(SeriesLimits.of(1000, 12, TTL).maxSeriesOf(11)).isEqualTo(83); // 1000 * 21 / 256
    assertThat(SeriesLimits.of(Integer.MAX_VALUE, 7, TTL).maxSeriesOf(0))
        .isEqualTo((int) ((Integer.MAX_VALUE * 37L + 255) / 256));
    for (int partitions : new int[] {1, 2, 3, 4, 6, 12, 50, 100, 200, 255, 256, 257, 600}) {
      for (int maxSeries : new int[] {1, 7, 1000, 200_000, Integer.MAX_VALUE}) {
        SeriesLimits limits = SeriesLimits.of(maxSeries, partitions, TTL);
        long sum = 0;
        int slots = 0;
        for (int p = 0; p < partitions; p++) {
          int held = DeltaBatch.slotsOf(p, partitions);
          int max = limits.maxSeriesOf(p);
          slots += held;
          sum += max;
          // A partition fills when the family does, not before: its share of the bound is at
          // least its share of the slots (and of evenly hashed series).
          assertThat((double) max)
              .as("partition %d of %d, max %d", p, partitions, maxSeries)
              .isGreaterThanOrEqualTo((double) maxSeries * held / DeltaBatch.SLOTS)
              .isGreaterThanOrEqualTo(1);
          // Each partition's series are the ones whose key hashes to a slot it holds.
          for (int slot = 0; slot < DeltaBatch.SLOTS; slot++) {
            if (slot % partitions == p) {
              held--;
            }
          }
          assertThat(held).isZero();
        }
        assertThat(slots).isEqualTo(DeltaBatch.SLOTS);
        assertThat(sum).isGreaterThanOrEqualTo(maxSeries);
        if (partitions > 1) {
          // Rounded up per partition: at most one series more each.
          assertThat(sum).isLessThanOrEqualTo((long) maxSeries + partitions);
        }
      }
    }
    assertThatThrownBy(() -> DeltaBatch.slotsOf(4, 4)).isInstanceOf(IllegalArgumentException.class);
    // A partition beyond the count known at start (the topic grew): an even share, no failure.
    assertThat(SeriesLimits.of(1000, 12, TTL).maxSeriesOf(12)).isEqualTo(84);
  }
}
