package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A crash in the middle of a commit under at_least_once: the changelog then holds any prefix of the
 * writes of the store's flush. Whatever the prefix, a restore finds every series the store held,
 * with its total before the flush or after it, never less and never missing, also when the flush
 * moves every series to other buckets (a doubling, a rewrite of the format before).
 */
class PartialFlushTest {

  private static final long T0 = 1_900_000_000_000L;
  private static final SeriesLimits LIMITS = new SeriesLimits(1_000_000, Duration.ofDays(30));

  /** A store write, as the changelog receives it: a null value is a deletion. */
  private record Write(Bytes key, byte[] value) {}

  private final KeyValueStore<Bytes, byte[]> memory =
      Stores.inMemoryKeyValueStore("series-totals").get();
  private final List<Write> writes = new ArrayList<>();

  @Test
  void everyPrefixOfADoublingFlushRestoresEverySeries() {
    SeriesTotalsStore store =
        new SeriesTotalsStore(recording(memory), new CommittedTotals(), LIMITS);
    store.activate();
    addSeries(store, 0, 30_000, 1);
    store.flushCache();
    Map<SeriesKey, Totals> before = store.readStore();

    addSeries(store, 0, 34_000, 2); // above 32 series a bucket: the flush doubles the buckets
    Map<Bytes, byte[]> atStart = entries();
    writes.clear();
    store.flushCache();
    Map<SeriesKey, Totals> after = store.readStore();
    assertThat(writes).hasSizeGreaterThan(3 * SeriesBuckets.MIN_COUNT - 1);

    everyPrefixRestoresBeforeOrAfter(atStart, before, after);
  }

  @Test
  void everyPrefixOfTheRewriteOfTheFormatBeforeRestoresEverySeries() {
    // Format 2 buckets holding several series each, as a store of the version before left them.
    Map<Integer, List<SeriesKey>> buckets = new TreeMap<>();
    for (long as = 1; as <= 5_000; as++) {
      SeriesKey k = AsFamily.key(Direction.RECEIVE, "edge1", as, 64500);
      buckets
          .computeIfAbsent(k.hash() & (SeriesBuckets.MIN_COUNT - 1), b -> new ArrayList<>())
          .add(k);
    }
    Map<SeriesKey, Totals> before = new HashMap<>();
    buckets.forEach(
        (bucket, keys) -> {
          SeriesBuckets.Writer w =
              new SeriesBuckets.Writer(
                  1 + keys.stream().mapToInt(k -> SeriesBuckets.entryBytes(k.bytes())).sum());
          for (SeriesKey k : keys) {
            w.entry(k.bytes(), 1000, 10, 1, T0);
            before.put(k, new Totals(1000, 10, 1));
          }
          byte[] value = w.bytes();
          value[0] = SeriesBuckets.LOW_BITS_VERSION;
          memory.put(Bytes.wrap(SeriesBuckets.bucketKey(SeriesBuckets.MIN_COUNT, bucket)), value);
        });

    SeriesTotalsStore store =
        new SeriesTotalsStore(recording(memory), new CommittedTotals(), LIMITS);
    store.activate();
    Map<Bytes, byte[]> atStart = entries();
    store.flushCache(); // the next commit rewrites every bucket in this format
    assertThat(store.readStore()).isEqualTo(before);
    assertThat(writes).hasSizeGreaterThan(buckets.size());

    everyPrefixRestoresBeforeOrAfter(atStart, before, before);
  }

  private void everyPrefixRestoresBeforeOrAfter(
      Map<Bytes, byte[]> atStart, Map<SeriesKey, Totals> before, Map<SeriesKey, Totals> after) {
    TreeSet<Integer> prefixes = new TreeSet<>();
    for (int i = 0; i <= 40; i++) {
      prefixes.add(writes.size() * i / 40);
    }
    for (int i = 1; i < writes.size(); i++) { // where deletions start, and the step before
      if ((writes.get(i).value() == null) != (writes.get(i - 1).value() == null)) {
        prefixes.add(i);
        prefixes.add(i + 1);
      }
    }
    for (int prefix : prefixes) {
      KeyValueStore<Bytes, byte[]> changelog = Stores.inMemoryKeyValueStore("restored").get();
      atStart.forEach(changelog::put);
      for (Write w : writes.subList(0, prefix)) {
        if (w.value() == null) {
          changelog.delete(w.key());
        } else {
          changelog.put(w.key(), w.value());
        }
      }
      CommittedTotals restored = new CommittedTotals();
      new SeriesTotalsStore(changelog, restored, LIMITS).activate();
      Map<SeriesKey, Totals> found = restored.snapshot();
      // Plain loops: AssertJ's containsAll compares element by element, too slow for 30,000.
      List<SeriesKey> missing = new ArrayList<>();
      before.keySet().stream().filter(k -> !found.containsKey(k)).forEach(missing::add);
      List<String> wrong = new ArrayList<>();
      found.forEach(
          (key, totals) -> {
            if (!totals.equals(before.get(key)) && !totals.equals(after.get(key))) {
              wrong.add(key + "=" + totals);
            }
          });
      assertThat(missing)
          .as("series missing after %d of %d writes", prefix, writes.size())
          .isEmpty();
      assertThat(wrong)
          .as("totals neither before nor after the flush, %d of %d writes", prefix, writes.size())
          .isEmpty();
    }
  }

  private static void addSeries(SeriesTotalsStore store, int from, int to, long bytes) {
    for (int i = from; i < to; i++) {
      SeriesKey key = AsFamily.key(Direction.TRANSMIT, "edge" + (i % 4), 64500, 100_000 + i);
      SeriesTotalsStoreTest.add(store, key, bytes, 1, 1, T0);
    }
  }

  private Map<Bytes, byte[]> entries() {
    Map<Bytes, byte[]> all = new TreeMap<>();
    try (KeyValueIterator<Bytes, byte[]> it = memory.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> e = it.next();
        all.put(e.key, e.value);
      }
    }
    return all;
  }

  private KeyValueStore<Bytes, byte[]> recording(KeyValueStore<Bytes, byte[]> target) {
    return WatchedStore.watched(target, (key, value) -> writes.add(new Write(key, value)));
  }
}
