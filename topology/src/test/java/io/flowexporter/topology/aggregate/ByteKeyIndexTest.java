package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The table both stages find series in (what the deleted SeriesTableTest checked of its
 * predecessor).
 */
class ByteKeyIndexTest {

  private static SeriesKey randomKey(Random random) {
    return AsFamily.key(
        random.nextBoolean() ? Direction.RECEIVE : Direction.TRANSMIT,
        "router-" + random.nextInt(40),
        random.nextInt(8000),
        random.nextInt(3) == 0 ? 4_294_967_295L - random.nextInt(3) : 64500);
  }

  private static int find(ByteKeyIndex index, SeriesKey key, int offset) {
    // Probed inside a larger, reused buffer, as the counting path does.
    byte[] buffer = new byte[offset + key.bytes().length + 11];
    System.arraycopy(key.bytes(), 0, buffer, offset, key.bytes().length);
    return index.get(buffer, offset, key.bytes().length, key.hash());
  }

  @Test
  void anOwnersSeriesSpreadOverTheTableThoughTheirHashesAgreeOnThePartition() {
    // An owner's table holds the series of one owner partition only: their hashes' low bits agree
    // modulo the partitions. With 48 partitions, probes started at the raw hash went through 7.6
    // places on average.
    for (int partitions : new int[] {1, 4, 12, 48}) {
      ByteKeyIndex index = new ByteKeyIndex(16, true);
      ByteKeyIndex raw = new ByteKeyIndex(16);
      Random random = new Random(5);
      Set<SeriesKey> seen = new HashSet<>();
      while (index.size() < 5_000) {
        SeriesKey key = randomKey(random);
        if (DeltaBatch.ownerPartition(key, partitions) == 0 && seen.add(key)) {
          index.put(key.bytes(), key.hash(), index.size());
          raw.put(key.bytes(), key.hash(), raw.size());
        }
      }
      assertThat(index.meanProbeLength()).as("%d owner partitions", partitions).isLessThan(1.6);
      if (partitions >= 12) {
        assertThat(raw.meanProbeLength()).as("raw, %d partitions", partitions).isGreaterThan(2);
      }
    }
  }

  @Test
  void findsEveryInsertedSeriesThroughGrowthAndNothingElse() {
    ByteKeyIndex index = new ByteKeyIndex(16);
    Random random = new Random(11);
    Set<SeriesKey> seen = new HashSet<>();
    List<SeriesKey> inserted = new ArrayList<>();
    while (inserted.size() < 100_000) {
      SeriesKey key = randomKey(random);
      if (seen.add(key)) {
        index.put(key.bytes(), key.hash(), inserted.size());
        inserted.add(key);
      }
    }
    assertThat(index.size()).isEqualTo(100_000);
    for (int i = 0; i < inserted.size(); i++) {
      assertThat(find(index, inserted.get(i), i % 7)).isEqualTo(i);
    }
    int misses = 0;
    for (int i = 0; i < 100_000; i++) {
      SeriesKey k = randomKey(random);
      if (!seen.contains(k)) {
        misses++;
        assertThat(find(index, k, 3)).isEqualTo(-1);
      }
    }
    assertThat(misses).isGreaterThan(1000);
  }

  @Test
  void aKeyThatIsAPrefixOfAnotherOrSharesItsHashIsNotFound() {
    ByteKeyIndex index = new ByteKeyIndex(16);
    SeriesKey key = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    index.put(key.bytes(), key.hash(), 7);
    byte[] longer = Arrays.copyOf(key.bytes(), key.bytes().length + 1);
    assertThat(index.get(longer, 0, longer.length, key.hash()))
        .as("same hash, one byte longer")
        .isEqualTo(-1);
    assertThat(index.get(key.bytes(), 0, key.bytes().length - 1, key.hash()))
        .as("a prefix")
        .isEqualTo(-1);
    assertThat(index.get(key.bytes(), 0, key.bytes().length, key.hash())).isEqualTo(7);
  }

  @Test
  void clearForgetsEverythingAndTheIndexIsUsableAfter() {
    ByteKeyIndex index = new ByteKeyIndex(16);
    Random random = new Random(5);
    List<SeriesKey> keys = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      SeriesKey k = randomKey(random);
      if (find(index, k, 0) < 0) {
        index.put(k.bytes(), k.hash(), i);
        keys.add(k);
      }
    }
    index.clear(); // far larger than what it holds next: shrinks
    assertThat(index.size()).isZero();
    for (SeriesKey k : keys) {
      assertThat(find(index, k, 0)).isEqualTo(-1);
    }
    index.put(keys.get(0).bytes(), keys.get(0).hash(), 42);
    assertThat(find(index, keys.get(0), 5)).isEqualTo(42);
    assertThat(find(index, keys.get(1), 0)).isEqualTo(-1);
  }
}
