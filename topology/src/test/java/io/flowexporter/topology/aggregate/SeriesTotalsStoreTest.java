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
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class SeriesTotalsStoreTest {

  private final KeyValueStore<Bytes, byte[]> memory = Stores.inMemoryKeyValueStore("flow-totals").get();
  private final AtomicInteger puts = new AtomicInteger();
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
      expected.merge(key, new Totals(bytes, 1), (a, b) -> a.plus(b.bytes(), b.packets()));
    }
    assertThat(expected.size()).isGreaterThan(20_000);

    store.flushCache();
    assertThat(puts.get()).isEqualTo(SeriesBuckets.COUNT);
    assertThat(store.readStore()).isEqualTo(expected);
    assertThat(committed.snapshot()).as("written, not yet committed").isEmpty();
    committed.committed();
    assertThat(committed.snapshot()).isEqualTo(expected);

    // One more record: one bucket is rewritten, with every series it holds.
    SeriesKey one = expected.keySet().iterator().next();
    store.add(one, 10, 1);
    expected.merge(one, new Totals(10, 1), (a, b) -> a.plus(b.bytes(), b.packets()));
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
  void entriesInAnotherFormatAreRefusedWithAMessageNamingTheWayOut() {
    byte[] seriesKey = new SeriesKey(Direction.RECEIVE, "edge1", 15169, 64500).toBytes();
    int bucket = SeriesBuckets.bucketOf(seriesKey);
    SeriesBuckets.Writer good = new SeriesBuckets.Writer(SeriesBuckets.HEADER_BYTES + SeriesBuckets.entryBytes(seriesKey));
    good.entry(seriesKey, 1, 1);
    byte[] value = good.bytes();
    SeriesBuckets.EntryConsumer ignore = (k, kb, b, p) -> { };

    // A per-series key, as an older layout would have written.
    assertThatThrownBy(() -> SeriesBuckets.decode(seriesKey, new Totals(1, 1).toBytes(), ignore))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a key of 14 bytes instead of 4")
        .hasMessageContaining("--application-id");
    assertThatThrownBy(() -> SeriesBuckets.decode(SeriesBuckets.bucketKey(bucket + 1 & 1023), value, ignore))
        .hasMessageContaining("hashes to bucket " + bucket);
    byte[] truncated = java.util.Arrays.copyOf(value, value.length - 3);
    assertThatThrownBy(() -> SeriesBuckets.decode(SeriesBuckets.bucketKey(bucket), truncated, ignore))
        .hasMessageContaining("truncated");
    byte[] otherVersion = value.clone();
    otherVersion[0] = 9;
    assertThatThrownBy(() -> SeriesBuckets.decode(SeriesBuckets.bucketKey(bucket), otherVersion, ignore))
        .hasMessageContaining("no format byte 1");

    Map<SeriesKey, Totals> decoded = new HashMap<>();
    SeriesBuckets.decode(SeriesBuckets.bucketKey(bucket), value, (k, kb, b, p) -> decoded.put(k, new Totals(b, p)));
    assertThat(decoded).containsExactly(Map.entry(SeriesKey.fromBytes(seriesKey), new Totals(1, 1)));
  }

  @SuppressWarnings("unchecked")
  private KeyValueStore<Bytes, byte[]> countingPuts(KeyValueStore<Bytes, byte[]> target) {
    return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(
        getClass().getClassLoader(),
        new Class<?>[] {KeyValueStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("put")) {
            puts.incrementAndGet();
          }
          try {
            return method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
