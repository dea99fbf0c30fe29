package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Where the owner's store puts a series: the series of one owner partition use all of its buckets,
 * whatever the number of partitions; buckets of the format before are read and rewritten.
 */
class BucketLayoutTest {

  private static final long T0 = 1_900_000_000_000L;

  @Test
  void theSeriesOfOnePartitionSpreadOverAllItsBuckets() {
    for (int partitions : new int[] {1, 4, 12, 64}) {
      Set<Integer> buckets = new HashSet<>();
      int series = 0;
      for (long as = 1; series < 32 * SeriesBuckets.MIN_COUNT; as++) {
        SeriesKey k = AsFamily.key(Direction.RECEIVE, "edge1", as, 64500);
        if (DeltaBatch.ownerPartition(k, partitions) == partitions - 1) {
          buckets.add(SeriesBuckets.bucketOf(k.hash(), SeriesBuckets.MIN_COUNT));
          series++;
        }
      }
      // 32 series a bucket on average: with the low bits (format 2), 64 partitions used 4 buckets.
      assertThat(buckets.size())
          .as("buckets used by a partition of %d", partitions)
          .isGreaterThan(SeriesBuckets.MIN_COUNT * 99 / 100);
    }
  }

  @Test
  void bucketsOfTheFormatBeforeAreReadThenRewrittenInThisOne() {
    KeyValueStore<Bytes, byte[]> memory = Stores.inMemoryKeyValueStore("series-totals").get();
    // Format 2: the bucket from the hash's lowest bits, format byte 2.
    List<SeriesKey> keys = new ArrayList<>();
    for (long as = 1; keys.size() < 50; as++) {
      SeriesKey k = AsFamily.key(Direction.TRANSMIT, "edge1", 64500, as);
      SeriesBuckets.Writer w = new SeriesBuckets.Writer(1 + SeriesBuckets.entryBytes(k.bytes()));
      w.entry(k.bytes(), as * 100, as, 1, T0);
      byte[] value = w.bytes();
      value[0] = SeriesBuckets.LOW_BITS_VERSION;
      int bucket = k.hash() & (SeriesBuckets.MIN_COUNT - 1);
      Bytes key = Bytes.wrap(SeriesBuckets.bucketKey(SeriesBuckets.MIN_COUNT, bucket));
      if (memory.get(key) == null) { // one series a bucket, to keep the test short
        memory.put(key, value);
        keys.add(k);
      }
    }

    CommittedTotals committed = new CommittedTotals();
    SeriesTotalsStore store =
        new SeriesTotalsStore(memory, committed, new SeriesLimits(1000, Duration.ofDays(30)));
    store.activate();
    Map<SeriesKey, Totals> before = committed.snapshot();
    assertThat(before).hasSize(50);
    long as6 = (Long) keys.get(6).values(AsFamily.FAMILY).get(1);
    assertThat(before.get(keys.get(6))).isEqualTo(new Totals(as6 * 100, as6, 1));

    store.flushCache(); // the next commit
    assertThat(store.readStore()).isEqualTo(before);
    int entries = 0;
    try (KeyValueIterator<Bytes, byte[]> it = memory.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> e = it.next();
        assertThat(e.value[0]).isEqualTo(SeriesBuckets.VERSION);
        entries++;
      }
    }
    assertThat(entries).isPositive();

    CommittedTotals afterRestart = new CommittedTotals();
    new SeriesTotalsStore(memory, afterRestart, new SeriesLimits(1000, Duration.ofDays(30)))
        .activate();
    assertThat(afterRestart.snapshot()).isEqualTo(before);
  }
}
