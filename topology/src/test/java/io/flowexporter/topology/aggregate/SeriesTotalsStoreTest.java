package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.SeriesKey;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class SeriesTotalsStoreTest {

  private final KeyValueStore<Bytes, byte[]> memory = Stores.inMemoryKeyValueStore("flow-totals").get();
  private final AtomicInteger puts = new AtomicInteger();
  private final AtomicInteger deletes = new AtomicInteger();
  private final CommittedTotals committed = new CommittedTotals();

  @Test
  void aCommitWritesEachChangedBucketOnceAndARestoredStoreHasTheSameTotals() {
    SeriesTotalsStore store = new SeriesTotalsStore(countingPuts(memory), committed);
    store.activate();
    Map<SeriesKey, Totals> expected = new HashMap<>();
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      SeriesKey key = new SeriesKey(
          random.nextBoolean() ? Direction.RECEIVE : Direction.TRANSMIT,
          "edge" + random.nextInt(4),
          random.nextInt(5000),
          4_200_000_000L + random.nextInt(3));
      long bytes = 1 + random.nextInt(1500);
      assertThat(store.add(key, bytes, 1)).isTrue();
      expected.merge(key, new Totals(bytes, 1), SeriesTotalsStoreTest::sum);
    }
    assertThat(expected.size()).isGreaterThan(20_000);

    // Above 32 series per bucket the partition doubles its 1,024 buckets before the first flush:
    // a power of two with at most 32 series per bucket on average, each bucket written once.
    store.flushCache();
    int buckets = puts.get();
    assertThat(Integer.bitCount(buckets)).isEqualTo(1);
    assertThat(buckets).isGreaterThan(1024).isGreaterThanOrEqualTo(expected.size() / 32)
        .isLessThan(expected.size() / 16);
    assertThat(deletes.get()).isZero();
    assertThat(store.readStore()).isEqualTo(expected);
    assertThat(committed.snapshot()).as("written, not yet committed").isEmpty();
    committed.committed();
    assertThat(committed.snapshot()).isEqualTo(expected);

    // One more record: one bucket is rewritten, with every series it holds.
    SeriesKey one = expected.keySet().iterator().next();
    store.add(one, 10, 1);
    expected.merge(one, new Totals(10, 1), SeriesTotalsStoreTest::sum);
    puts.set(0);
    store.flushCache();
    committed.committed();
    assertThat(puts.get()).isEqualTo(1);
    assertThat(committed.snapshot()).isEqualTo(expected);

    // What a restart finds: the same inner store (as restored from the changelog), read anew.
    store.deactivate();
    CommittedTotals afterRestart = new CommittedTotals();
    new SeriesTotalsStore(memory, afterRestart).activate();
    assertThat(afterRestart.snapshot()).isEqualTo(expected);
  }

  @Test
  void aGrowingPartitionDoublesItsBucketsAndDeletesTheOldKeysInTheSameFlush() {
    SeriesTotalsStore store = new SeriesTotalsStore(countingPuts(memory), committed);
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
    SeriesTotalsStore restored = new SeriesTotalsStore(countingPuts(memory), afterRestart);
    restored.activate();
    assertThat(afterRestart.snapshot()).isEqualTo(expected);
    deletes.set(0);
    restored.flushCache();
    assertThat(deletes.get()).isEqualTo(1);
    assertThat(memory.get(before.key)).isNull();
    assertThat(restored.readStore()).isEqualTo(expected);
  }

  private static void addSeries(SeriesTotalsStore store, Map<SeriesKey, Totals> expected, int from, int n) {
    for (int i = from; i < from + n; i++) {
      SeriesKey key = new SeriesKey(Direction.RECEIVE, "edge" + (i % 4), 100_000 + i, 64500);
      store.add(key, i + 1, 1);
      expected.put(key, new Totals(i + 1, 1));
    }
  }

  private KeyValue<Bytes, byte[]> firstEntry() {
    try (KeyValueIterator<Bytes, byte[]> it = memory.all()) {
      return it.next();
    }
  }

  @Test
  void pendingIncrementsAreNotWrittenBeforeTheFlushAndAreDroppedWhenTheCacheIsCleared() {
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed);
    store.activate();
    SeriesKey key = new SeriesKey(Direction.RECEIVE, "edge1", 15169, 64500);
    store.add(key, 1000, 2);
    assertThat(store.readStore()).isEmpty();
    store.clearCache();
    store.flushCache();
    assertThat(store.readStore()).isEmpty();
    store.add(key, 70, 1);
    store.flushCache();
    assertThat(store.readStore()).containsExactly(Map.entry(key, new Totals(70, 1)));
  }

  @Test
  void aTotalThatWouldOverflowIsRefusedWithNothingAdded() {
    SeriesTotalsStore store = new SeriesTotalsStore(memory, committed);
    store.activate();
    SeriesKey key = new SeriesKey(Direction.TRANSMIT, "edge1", 64500, 15169);
    assertThat(store.add(key, Long.MAX_VALUE - 10, 1)).isTrue();
    store.flushCache();
    assertThat(store.add(key, 5, 1)).isTrue();
    assertThat(store.add(key, 6, 1)).isFalse();
    store.flushCache();
    assertThat(store.readStore()).containsExactly(Map.entry(key, new Totals(Long.MAX_VALUE - 5, 2)));
  }

  @Test
  void partitionsThatSumPastTheLongRangeShowTheLargestTotalInsteadOfBreakingTheScrape() {
    SeriesKey key = new SeriesKey(Direction.TRANSMIT, "edge1", 64500, 15169);
    for (int partition = 0; partition < 2; partition++) {
      SeriesTotalsStore store = new SeriesTotalsStore(Stores.inMemoryKeyValueStore("p" + partition).get(), committed);
      store.activate();
      assertThat(store.add(key, Long.MAX_VALUE - 1, 3)).isTrue();
      store.flushCache();
    }
    committed.committed();
    assertThat(committed.snapshot()).containsExactly(Map.entry(key, new Totals(Long.MAX_VALUE, 6)));
  }

  @Test
  void entriesInAnotherFormatAreRefusedWithAMessageNamingTheWayOut() {
    byte[] seriesKey = new SeriesKey(Direction.RECEIVE, "edge1", 15169, 64500).toBytes();
    int bucket = SeriesBuckets.bucketOf(SeriesBuckets.hashOf(seriesKey), 1024);
    SeriesBuckets.Writer good = new SeriesBuckets.Writer(SeriesBuckets.HEADER_BYTES + SeriesBuckets.entryBytes(seriesKey));
    good.entry(seriesKey, 1, 1);
    byte[] value = good.bytes();
    SeriesBuckets.EntryConsumer ignore = (k, kb, b, p) -> { };

    // A per-series key, as an older layout would have written.
    assertThatThrownBy(() -> SeriesBuckets.decode(seriesKey, new byte[16], ignore))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a key of 14 bytes instead of 8")
        .hasMessageContaining("--application-id");
    assertThatThrownBy(() -> SeriesBuckets.decode(SeriesBuckets.bucketKey(1024, bucket + 1 & 1023), value, ignore))
        .hasMessageContaining("hashes to bucket " + bucket);
    assertThatThrownBy(() -> SeriesBuckets.decode(SeriesBuckets.bucketKey(1000, bucket), value, ignore))
        .hasMessageContaining("a bucket count of 1000");
    byte[] truncated = java.util.Arrays.copyOf(value, value.length - 3);
    assertThatThrownBy(() -> SeriesBuckets.decode(SeriesBuckets.bucketKey(1024, bucket), truncated, ignore))
        .hasMessageContaining("truncated");
    byte[] otherVersion = value.clone();
    otherVersion[0] = 9;
    assertThatThrownBy(() -> SeriesBuckets.decode(SeriesBuckets.bucketKey(1024, bucket), otherVersion, ignore))
        .hasMessageContaining("no format byte 1");

    Map<SeriesKey, Totals> decoded = new HashMap<>();
    SeriesBuckets.decode(SeriesBuckets.bucketKey(1024, bucket), value, (k, kb, b, p) -> decoded.put(k, new Totals(b, p)));
    assertThat(decoded).containsExactly(Map.entry(SeriesKey.fromBytes(seriesKey), new Totals(1, 1)));
  }

  private static Totals sum(Totals a, Totals b) {
    return new Totals(a.bytes() + b.bytes(), a.packets() + b.packets());
  }

  @SuppressWarnings("unchecked")
  private KeyValueStore<Bytes, byte[]> countingPuts(KeyValueStore<Bytes, byte[]> target) {
    return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(
        getClass().getClassLoader(),
        new Class<?>[] {KeyValueStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("put")) {
            puts.incrementAndGet();
          } else if (method.getName().equals("delete")) {
            deletes.incrementAndGet();
          }
          try {
            return method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
