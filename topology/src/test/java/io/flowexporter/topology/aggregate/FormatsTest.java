package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.topology.TestFlows;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two formats of version 2 that outlive a process: DeltaBatch on the repartition topic and
 * SeriesBuckets in the changelog. Each round-trips, and a message in another version (1: flow-
 * exporter 0.1; 3: a newer one) is refused with an exception that says what to do, rather than read
 * as garbage totals.
 */
class FormatsTest {

  private static final SeriesKey AS = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
  private static final SeriesKey UTF8 =
      AsFamily.key(Direction.TRANSMIT, "東京-1", 64500, 4_294_967_295L);
  private static final SeriesKey OVERFLOW =
      SeriesKey.overflow(AsFamily.FAMILY, Direction.TRANSMIT, 0);

  private static byte[] batch(Map<SeriesKey, long[]> entries) {
    int size = 1;
    for (SeriesKey k : entries.keySet()) {
      size += DeltaBatch.entryBytes(k.bytes().length);
    }
    DeltaBatch.Writer w = new DeltaBatch.Writer(size);
    entries.forEach(
        (k, a) ->
            w.entry(
                Arrays.copyOf(k.bytes(), k.bytes().length + 9),
                k.bytes().length,
                a[0],
                a[1],
                a[2]));
    return w.bytes();
  }

  private static Map<SeriesKey, List<Long>> decodeDeltas(byte[] value) {
    Map<SeriesKey, List<Long>> out = new LinkedHashMap<>();
    DeltaBatch.decode(
        value,
        (v, offset, length, bytes, packets, flows) ->
            out.put(
                SeriesKey.wrap(Arrays.copyOfRange(v, offset, offset + length)),
                List.of(bytes, packets, flows)));
    return out;
  }

  @Test
  void aDeltaBatchRoundTrips() {
    Map<SeriesKey, long[]> entries = new LinkedHashMap<>();
    entries.put(AS, new long[] {1500, 3, 2});
    entries.put(UTF8, new long[] {Long.MAX_VALUE, 0, 1});
    entries.put(OVERFLOW, new long[] {0, Long.MAX_VALUE, Long.MAX_VALUE});
    byte[] value = batch(entries);

    assertThat(decodeDeltas(value))
        .containsExactly(
            Map.entry(AS, List.of(1500L, 3L, 2L)),
            Map.entry(UTF8, List.of(Long.MAX_VALUE, 0L, 1L)),
            Map.entry(OVERFLOW, List.of(0L, Long.MAX_VALUE, Long.MAX_VALUE)));
    // The documented layout, read by the tests' own decoder.
    assertThat(TestFlows.decodeBatch(value)).containsEntry(AS, new Totals(1500, 3, 2)).hasSize(3);
    // An empty batch is a format byte alone.
    assertThat(decodeDeltas(batch(Map.of()))).isEmpty();
  }

  @Test
  void aWriterSizedWrongIsCaughtRatherThanSendingZeros() {
    DeltaBatch.Writer w = new DeltaBatch.Writer(1 + DeltaBatch.entryBytes(AS.bytes().length) + 1);
    w.entry(AS.bytes(), AS.bytes().length, 1, 1, 1);
    assertThatThrownBy(w::bytes).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(bytes = {1, 3, 0, -1})
  void aDeltaBatchOfAnotherVersionIsRefusedNamingTheWayOut(byte version) {
    byte[] value = batch(Map.of(AS, new long[] {1, 1, 1}));
    value[0] = version;
    assertThatThrownBy(() -> decodeDeltas(value))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("format " + version + " instead of 2")
        .hasMessageContaining("Run one version per --application-id")
        .isInstanceOfSatisfying(
            UnreadableFormatException.class,
            e -> {
              assertThat(e.newerVersion()).as("a format byte above 2").isEqualTo(version > 2);
              assertThat(e.topic("app")).isEqualTo("app-series-deltas-repartition");
            });
  }

  @Test
  void aDeltaBatchThatIsEmptyTruncatedOrHoldsABadKeyLengthIsRefused() {
    assertThatThrownBy(() -> decodeDeltas(new byte[0]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("(empty)");
    assertThatThrownBy(() -> decodeDeltas(null)).isInstanceOf(IllegalStateException.class);
    byte[] value = batch(Map.of(AS, new long[] {1, 1, 1}));
    assertThatThrownBy(() -> decodeDeltas(Arrays.copyOf(value, value.length - 1)))
        .isInstanceOfSatisfying(
            UnreadableFormatException.class, e -> assertThat(e.newerVersion()).isFalse());
    assertThatThrownBy(() -> decodeDeltas(Arrays.copyOf(value, 2)))
        .isInstanceOf(IllegalStateException.class);
    byte[] oneByteKey =
        ByteBuffer.allocate(1 + 2 + 1 + 24).put((byte) 2).putShort((short) 1).array();
    assertThatThrownBy(() -> decodeDeltas(oneByteKey))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("series key of 1 bytes");
  }

  @Test
  void slotsMapToPartitionsAsTheRepartitionTopicNeeds() {
    for (int partitions = 1; partitions <= 12; partitions++) {
      for (int slot = 0; slot < DeltaBatch.SLOTS; slot++) {
        byte[] key = DeltaBatch.slotKey(slot);
        assertThat(TestFlows.slotOf(key)).isEqualTo(slot);
        assertThat(DeltaBatch.partitionOf(key, partitions)).isEqualTo(slot % partitions);
      }
    }
    assertThat(DeltaBatch.slotOf(AS.hash())).isEqualTo(AS.hash() & 255).isBetween(0, 255);
    assertThat(DeltaBatch.slotOf(-1)).isEqualTo(255);
  }

  /** Two or three series that share bucket 0 of 1,024, so that a bucket holds several entries. */
  private static List<SeriesKey> keysInOneBucket(int n) {
    List<SeriesKey> keys = new ArrayList<>();
    for (long as = 1; keys.size() < n; as++) {
      SeriesKey k = AsFamily.key(Direction.RECEIVE, "edge1", as, 64500);
      if (SeriesBuckets.bucketOf(k.hash(), 1024) == 0) {
        keys.add(k);
      }
    }
    return keys;
  }

  private static byte[] bucket(List<SeriesKey> keys, long[][] amounts) {
    int size = SeriesBuckets.HEADER_BYTES;
    for (SeriesKey k : keys) {
      size += SeriesBuckets.entryBytes(k.bytes());
    }
    SeriesBuckets.Writer w = new SeriesBuckets.Writer(size);
    for (int i = 0; i < keys.size(); i++) {
      long[] a = amounts[i];
      w.entry(keys.get(i).bytes(), a[0], a[1], a[2], a[3]);
    }
    return w.bytes();
  }

  @Test
  void aBucketRoundTripsWithItsLastSeenTimes() {
    List<SeriesKey> keys = keysInOneBucket(3);
    long[][] amounts = {
      {1, 2, 3, 1_900_000_000_000L}, {Long.MAX_VALUE, 0, 0, 0}, {5, 5, 5, Long.MAX_VALUE}
    };
    byte[] value = bucket(keys, amounts);
    Map<SeriesKey, List<Long>> decoded = new LinkedHashMap<>();
    int count =
        SeriesBuckets.decode(
            SeriesBuckets.bucketKey(1024, 0),
            value,
            (k, b, p, f, t) -> decoded.put(k, List.of(b, p, f, t)));
    assertThat(count).isEqualTo(1024);
    assertThat(decoded)
        .containsExactly(
            Map.entry(keys.get(0), List.of(1L, 2L, 3L, 1_900_000_000_000L)),
            Map.entry(keys.get(1), List.of(Long.MAX_VALUE, 0L, 0L, 0L)),
            Map.entry(keys.get(2), List.of(5L, 5L, 5L, Long.MAX_VALUE)));
    // The store key: bucket count then bucket index, 4 bytes big-endian each.
    assertThat(SeriesBuckets.bucketKey(2048, 513)).containsExactly(0, 0, 8, 0, 0, 0, 2, 1);
  }

  @ParameterizedTest
  @ValueSource(bytes = {1, 4, 0, -1})
  void aBucketOfAnotherVersionIsRefusedNamingTheWayOut(byte version) {
    List<SeriesKey> keys = keysInOneBucket(1);
    byte[] value = bucket(keys, new long[][] {{1, 1, 1, 1}});
    value[0] = version;
    assertThatThrownBy(
            () ->
                SeriesBuckets.decode(
                    SeriesBuckets.bucketKey(1024, 0), value, (k, b, p, f, t) -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in format " + version + ", not 3")
        .hasMessageContaining("Run one version per --application-id")
        .isInstanceOfSatisfying(
            UnreadableFormatException.class,
            e -> {
              assertThat(e.newerVersion()).as("a format byte above 3").isEqualTo(version > 3);
              assertThat(e.topic("app")).isEqualTo("app-series-totals-changelog");
            });
  }

  @Test
  void aBucketHoldingABadSeriesKeyIsRefused() {
    // A key that is not a series key at all (one byte): refused as ours-not, not thrown as is.
    byte[] value = ByteBuffer.allocate(1 + 2 + 1 + 32).put((byte) 2).putShort((short) 1).array();
    assertThatThrownBy(
            () ->
                SeriesBuckets.decode(
                    SeriesBuckets.bucketKey(1024, 0), value, (k, b, p, f, t) -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--application-id");
  }

  @Test
  void aBatchCarriesItsNewestInputTimeInAHeader() {
    assertThat(DeltaBatch.newestInput(DeltaBatch.newestInputHeader(1_900_000_000_123L), 7))
        .isEqualTo(1_900_000_000_123L);
    assertThat(
            DeltaBatch.newestInput(new org.apache.kafka.common.header.internals.RecordHeaders(), 7))
        .as("a batch from before the header: its own timestamp")
        .isEqualTo(7);
    assertThat(
            DeltaBatch.newestInput(
                new org.apache.kafka.common.header.internals.RecordHeaders()
                    .add(DeltaBatch.NEWEST_INPUT_HEADER, new byte[3]),
                7))
        .as("a damaged header")
        .isEqualTo(7);
  }
}
