package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The owner's store on an in-memory inner store, without Kafka Streams: what a flush writes, what a
 * restart (a new store over the same inner entries, as restored from the changelog) reads back, and
 * when totals become visible to scrapes.
 */
class SeriesTotalsStoreTest {

  static final SeriesLimits UNBOUNDED = new SeriesLimits(Integer.MAX_VALUE, Duration.ofDays(30));
  private static final long NOW = 1_900_000_000_000L;

  private final KeyValueStore<Bytes, byte[]> memory =
      Stores.inMemoryKeyValueStore("series-totals").get();
  private final AtomicInteger puts = new AtomicInteger();
  private final AtomicInteger deletes = new AtomicInteger();
  private final CommittedTotals committed = new CommittedTotals();

  static void add(
      SeriesTotalsStore store, SeriesKey key, long bytes, long packets, long flows, long now) {
    // At an offset inside a larger array, as the owner hands over a key inside a DeltaBatch.
    byte[] inBatch = new byte[key.bytes().length + 7];
    System.arraycopy(key.bytes(), 0, inBatch, 3, key.bytes().length);
    store.add(inBatch, 3, key.bytes().length, bytes, packets, flows, now);
  }

  private static void add(SeriesTotalsStore store, SeriesKey key, long bytes, long packets) {
    add(store, key, bytes, packets, 1, NOW);
  }

  @Test
  void aCommitWritesEachChangedBucketOnceAndARestoredStoreHasTheSameTotals() {
    SeriesTotalsStore store = new SeriesTotalsStore(countingPuts(memory), committed, UNBOUNDED);
    store.activate();
    Map<SeriesKey, Totals> expected = new HashMap<>();
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      SeriesKey key =
          AsFamily.key(
              random.nextBoolean() ? Direction.RECEIVE : Direction.TRANSMIT,
              "edge" + random.nextInt(4),
              random.nextInt(5000),
              4_200_000_000L + random.nextInt(3));
      long bytes = 1 + random.nextInt(1500);
      add(store, key, bytes, 1);
      expected.merge(key, new Totals(bytes, 1, 1), SeriesTotalsStoreTest::sum);
    }
    assertThat(expected.size()).isGreaterThan(20_000);

    // Above 32 series per bucket the partition doubles its 1,024 buckets before the first flush:
    // a power of two with at most 32 series per bucket on average, each bucket written once.
    store.flushCache();
    int buckets = puts.get();
    assertThat(Integer.bitCount(buckets)).isEqualTo(1);
    assertThat(buckets)
        .isGreaterThan(1024)
        .isGreaterThanOrEqualTo(expected.size() / 32)
        .isLessThan(expected.size() / 16);
    assertThat(deletes.get()).isZero();
    assertThat(store.readStore()).isEqualTo(expected);
    assertThat(committed.snapshot()).as("written, not yet committed").isEmpty();
    committed.committed();
    assertThat(committed.snapshot()).isEqualTo(expected);

    // One more record: one bucket is rewritten, with every series it holds.
    SeriesKey one = expected.keySet().iterator().next();
    add(store, one, 10, 1);
    expected.merge(one, new Totals(10, 1, 1), SeriesTotalsStoreTest::sum);
    puts.set(0);
    store.flushCache();
    committed.committed();
    assertThat(puts.get()).isEqualTo(1);
    assertThat(committed.snapshot()).isEqualTo(expected);

    // What a restart finds: the same inner store (as restored from the changelog), read anew.
    store.deactivate();
    CommittedTotals afterRestart = new CommittedTotals();
    new SeriesTotalsStore(memory, afterRestart, UNBOUNDED).activate();
    assertThat(afterRestart.snapshot()).isEqualTo(expected);
  }

  @Test
  void aGrowingPartitionDoublesItsBucketsAndDeletesTheOldKeysInTheSameFlush() {
    SeriesTotalsStore store = new SeriesTotalsStore(countingPuts(memory), committed, UNBOUNDED);
    store.activate();
    Map<SeriesKey, Totals> expected = new HashMap<>();
    addSeries(store, expected, 0, 20_000);
    store.flushCache();
    committed.committed();
    assertThat(puts.get()).isEqualTo(1024);
    KeyValue<Bytes, byte[]> before = firstEntry();

    addSeries(store, expected, 20_000, 20_000); // 40,000 series: above 32 per bucket
    puts.set(0);
    store.flushCache();
    committed.committed();
    assertThat(deletes.get()).isEqualTo(1024);
    assertThat(puts.get()).isEqualTo(2048);
    assertThat(store.readStore()).isEqualTo(expected);
    assertThat(committed.snapshot()).isEqualTo(expected);

    // A restore that still finds an entry of the old count (its deletion lost): the newer totals
    // win, and the next flush deletes the stale entry.
    memory.put(before.key, before.value);
    store.deactivate();
    CommittedTotals afterRestart = new CommittedTotals();
    SeriesTotalsStore restored =
        new SeriesTotalsStore(countingPuts(memory), afterRestart, UNBOUNDED);
    restored.activate();
    assertThat(afterRestart.snapshot()).isEqualTo(expected);
    deletes.set(0);
    restored.flushCache();
    assertThat(deletes.get()).isEqualTo(1);
    assertThat(memory.get(before.key)).isNull();
    assertThat(restored.readStore()).isEqualTo(expected);
  }

  private static void addSeries(
      SeriesTotalsStore store, Map<SeriesKey, Totals> expected, int from, int n) {
    for (int i = from; i < from + n; i++) {
      SeriesKey key = AsFamily.key(Direction.RECEIVE, "edge" + (i % 4), 100_000 + i, 64500);
      add(store, key, i + 1, 1);
      expected.put(key, new Totals(i + 1, 1, 1));
    }
  }

  private KeyValue<Bytes, byte[]> firstEntry() {
    try (KeyValueIterator<Bytes, byte[]> it = memory.all()) {
      return it.next();
    }
  }

  @Test
  void pendingIncrementsAreNotWrittenBeforeTheFlushAndAreDroppedWhenTheCacheIsCleared() {
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed, UNBOUNDED);
    store.activate();
    SeriesKey key = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    add(store, key, 1000, 2);
    assertThat(store.readStore()).isEmpty();
    store.clearCache();
    store.flushCache();
    assertThat(store.readStore()).isEmpty();
    add(store, key, 70, 1);
    store.flushCache();
    assertThat(store.readStore()).containsExactly(Map.entry(key, new Totals(70, 1, 1)));
  }

  @Test
  void aStoreRecycledIntoAStandbyLetsGoOfItsSeriesAndAnActivationReadsThemAgain() {
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed, UNBOUNDED);
    store.activate();
    Map<SeriesKey, Totals> expected = new HashMap<>();
    addSeries(store, expected, 0, 1000);
    store.flushCache();
    committed.committed();
    assertThat(store.seriesOf(AsFamily.FAMILY.id())).isEqualTo(1000);

    // Kafka Streams' recycling of an active task: its processor closes, then the cache is cleared.
    store.deactivate();
    store.clearCache();
    assertThat(store.seriesOf(AsFamily.FAMILY.id())).isZero();
    assertThat(store.publishedSeries()).isZero();
    assertThat(store.readStore()).isEqualTo(expected); // the inner store keeps the totals

    store.activate(); // back to active
    assertThat(committed.snapshot()).isEqualTo(expected);
  }

  @Test
  void aTotalPastTheLongRangeStopsAtTheLargestLongAndStaysThere() {
    // Was: refused with nothing added. Now: saturates, so one absurd record neither stops the
    // partition nor leaves the other two amounts behind.
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed, UNBOUNDED);
    store.activate();
    SeriesKey key = AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 15169);
    add(store, key, Long.MAX_VALUE - 10, 1);
    store.flushCache();
    add(store, key, 5, 1);
    store.flushCache();
    assertThat(store.readStore())
        .containsExactly(Map.entry(key, new Totals(Long.MAX_VALUE - 5, 2, 2)));
    // Pending sums saturate too, before they reach the total.
    add(store, key, Long.MAX_VALUE, 1);
    add(store, key, Long.MAX_VALUE, 1);
    store.flushCache();
    assertThat(store.readStore()).containsExactly(Map.entry(key, new Totals(Long.MAX_VALUE, 4, 4)));
    add(store, key, 1, 1);
    store.flushCache();
    committed.committed();
    assertThat(committed.snapshot())
        .containsExactly(Map.entry(key, new Totals(Long.MAX_VALUE, 5, 5)));
  }

  @Test
  void totalsThatGrowPastTheLongRangeStayAtTheLargestTotalInsteadOfWrapping() {
    SeriesKey key = AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 15169);
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed, UNBOUNDED);
    store.activate();
    for (int commit = 0; commit < 2; commit++) {
      add(store, key, Long.MAX_VALUE - 1, 3);
      store.flushCache();
      committed.committed();
    }
    assertThat(committed.snapshot())
        .containsExactly(Map.entry(key, new Totals(Long.MAX_VALUE, 6, 2)));
  }

  @Test
  void aStoreOfATaskThatIsRegisteredAgainReplacesTheOldOneSoEachSeriesShowsOnce() {
    SeriesKey key = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    for (long bytes = 1000; bytes <= 2000; bytes += 1000) {
      KeyValueStore<Bytes, byte[]> inner = Stores.inMemoryKeyValueStore("series-totals").get();
      SeriesTotalsStore store = new SeriesTotalsStore(inner, committed, UNBOUNDED);
      store.init(new MockProcessorContext<>().getStateStoreContext(), store);
      store.activate();
      add(store, key, bytes, 3);
      store.flushCache();
      committed.committed();
    }
    assertThat(committed.activeStores()).isEqualTo(1);
    assertThat(committed.totals().size()).isEqualTo(1);
    assertThat(committed.snapshot()).containsExactly(Map.entry(key, new Totals(2000, 3, 1)));
  }

  @Test
  void bytesThatAreNotASeriesKeyAreRefusedWithNothingAdded() {
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed, UNBOUNDED);
    store.activate();
    assertThatThrownBy(() -> store.add(new byte[] {0}, 0, 1, 1, 1, 1, NOW))
        .isInstanceOf(IllegalArgumentException.class);
    store.flushCache();
    assertThat(store.readStore()).isEmpty();
  }

  @Test
  void entriesInAnotherFormatAreRefusedWithAMessageNamingTheWayOut() {
    byte[] seriesKey = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500).bytes();
    int bucket = SeriesBuckets.bucketOf(SeriesKey.hashOf(seriesKey, 0, seriesKey.length), 1024);
    SeriesBuckets.Writer good =
        new SeriesBuckets.Writer(SeriesBuckets.HEADER_BYTES + SeriesBuckets.entryBytes(seriesKey));
    good.entry(seriesKey, 1, 2, 3, NOW);
    byte[] value = good.bytes();
    SeriesBuckets.EntryConsumer ignore = (k, b, p, f, t) -> {};

    // A per-series key, as an older layout would have written.
    assertThatThrownBy(() -> SeriesBuckets.decode(seriesKey, new byte[16], ignore))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a key of " + seriesKey.length + " bytes instead of 8")
        .hasMessageContaining("--application-id");
    assertThatThrownBy(
            () ->
                SeriesBuckets.decode(
                    SeriesBuckets.bucketKey(1024, bucket + 1 & 1023), value, ignore))
        .hasMessageContaining("hashes to bucket " + bucket);
    assertThatThrownBy(
            () -> SeriesBuckets.decode(SeriesBuckets.bucketKey(1000, bucket), value, ignore))
        .hasMessageContaining("a bucket count of 1000");
    assertThatThrownBy(
            () -> SeriesBuckets.decode(SeriesBuckets.bucketKey(1024, 1024), value, ignore))
        .hasMessageContaining("outside 0..1023");
    byte[] truncated = Arrays.copyOf(value, value.length - 3);
    assertThatThrownBy(
            () -> SeriesBuckets.decode(SeriesBuckets.bucketKey(1024, bucket), truncated, ignore))
        .hasMessageContaining("truncated");

    Map<SeriesKey, long[]> decoded = new HashMap<>();
    SeriesBuckets.decode(
        SeriesBuckets.bucketKey(1024, bucket),
        value,
        (k, b, p, f, t) -> decoded.put(k, new long[] {b, p, f, t}));
    assertThat(decoded).containsOnlyKeys(SeriesKey.wrap(seriesKey.clone()));
    assertThat(decoded.values().iterator().next()).containsExactly(1, 2, 3, NOW);
  }

  static Totals sum(Totals a, Totals b) {
    return new Totals(a.bytes() + b.bytes(), a.packets() + b.packets(), a.flows() + b.flows());
  }

  private KeyValueStore<Bytes, byte[]> countingPuts(KeyValueStore<Bytes, byte[]> target) {
    return WatchedStore.watched(
        target, (key, value) -> (value == null ? deletes : puts).incrementAndGet());
  }
}
