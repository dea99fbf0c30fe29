package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each owner partition keeps its own overflow series: one instance owning several partitions, or
 * several instances, never expose two lines with one label set, and a partition that moves takes
 * its overflow series along whole.
 */
class OverflowPartitionsTest {

  private static final Duration TTL = Duration.ofDays(30);
  private static final long T0 = 1_900_000_000_000L;

  @TempDir Path stateDir;

  private final CommittedTotals committed = new CommittedTotals();

  /** A store of owner partition {@code partition}, initialised as Kafka Streams would. */
  private SeriesTotalsStore store(KeyValueStore<Bytes, byte[]> inner, int partition) {
    SeriesTotalsStore store = new SeriesTotalsStore(inner, committed, new SeriesLimits(1, TTL));
    MockProcessorContext<Object, Object> context =
        new MockProcessorContext<>(
            new Properties(), new TaskId(1, partition), stateDir.resolve("p" + partition).toFile());
    store.init(context.getStateStoreContext(), store);
    return store;
  }

  private static KeyValueStore<Bytes, byte[]> memory() {
    return Stores.inMemoryKeyValueStore("series-totals").get();
  }

  @Test
  void twoOwnerPartitionsKeepTwoOverflowSeries() {
    SeriesTotalsStore p0 = store(memory(), 0);
    SeriesTotalsStore p3 = store(memory(), 3);
    p0.activate();
    p3.activate();
    // One series admitted per partition; the second label set of each overflows.
    SeriesTotalsStoreTest.add(p0, AsFamily.key(Direction.RECEIVE, "a", 1, 64500), 10, 1, 1, T0);
    SeriesTotalsStoreTest.add(p0, AsFamily.key(Direction.RECEIVE, "a", 2, 64500), 20, 1, 1, T0);
    SeriesTotalsStoreTest.add(p3, AsFamily.key(Direction.RECEIVE, "b", 3, 64500), 30, 1, 1, T0);
    SeriesTotalsStoreTest.add(p3, AsFamily.key(Direction.RECEIVE, "b", 4, 64500), 40, 1, 1, T0);
    p0.flushCache();
    p3.flushCache();
    committed.committed();

    TotalsSnapshot snapshot = committed.totals();
    assertThat(snapshot.size()).isEqualTo(4);
    Map<SeriesKey, Totals> byKey = snapshot.asMap();
    assertThat(byKey).hasSize(4); // no two lines with one key
    assertThat(byKey)
        .containsEntry(
            SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 0), new Totals(20, 1, 1))
        .containsEntry(
            SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 3), new Totals(40, 1, 1));
  }

  @Test
  void anOverflowSeriesWrittenWithoutItsPartitionIsTakenOverOnce() {
    KeyValueStore<Bytes, byte[]> inner = memory();
    // What the version before wrote: the overflow key without a partition, beside a series, in
    // buckets of format 2 (the bucket from the hash's lowest bits).
    SeriesKey legacy = SeriesKey.wrap(new byte[] {0, (byte) 0x80});
    SeriesKey series = AsFamily.key(Direction.RECEIVE, "a", 1, 64500);
    inner.init(
        new MockProcessorContext<>(new Properties(), new TaskId(1, 3), stateDir.toFile())
            .getStateStoreContext(),
        inner);
    for (SeriesKey k : new SeriesKey[] {legacy, series}) {
      SeriesBuckets.Writer w = new SeriesBuckets.Writer(1 + SeriesBuckets.entryBytes(k.bytes()));
      w.entry(k.bytes(), k == legacy ? 700 : 5, 7, 7, T0);
      byte[] value = w.bytes();
      value[0] = SeriesBuckets.LOW_BITS_VERSION;
      int bucket = k.hash() & (SeriesBuckets.MIN_COUNT - 1);
      inner.put(Bytes.wrap(SeriesBuckets.bucketKey(SeriesBuckets.MIN_COUNT, bucket)), value);
    }

    SeriesTotalsStore store = store(inner, 3);
    store.activate();
    SeriesKey partitioned = SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 3);
    assertThat(committed.snapshot())
        .isEqualTo(Map.of(partitioned, new Totals(700, 7, 7), series, new Totals(5, 7, 7)));
    store.flushCache();
    assertThat(store.readStore())
        .isEqualTo(Map.of(partitioned, new Totals(700, 7, 7), series, new Totals(5, 7, 7)));
    store.deactivate();

    // Restarted on what was written: the same totals, once.
    CommittedTotals again = new CommittedTotals();
    SeriesTotalsStore restarted = new SeriesTotalsStore(inner, again, new SeriesLimits(1, TTL));
    restarted.activate();
    assertThat(again.snapshot())
        .isEqualTo(Map.of(partitioned, new Totals(700, 7, 7), series, new Totals(5, 7, 7)));
  }
}
