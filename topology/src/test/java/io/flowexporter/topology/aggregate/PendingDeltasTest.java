package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.TestFlows;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The first stage's sums between two commits. The topology tests never hold more than a few hundred
 * series in one commit; this one holds thousands, past the arrays' first size of 256.
 */
class PendingDeltasTest {

  private static void count(PendingDeltas pending, SeriesKey key, long bytes, long packets) {
    pending.amounts(bytes, packets, 1);
    byte[] reused = new byte[512]; // the writer's buffer: longer than the key, reused
    System.arraycopy(key.bytes(), 0, reused, 0, key.bytes().length);
    pending.accept(reused, key.bytes().length, key.hash());
  }

  @Test
  void thousandsOfSeriesDrainIntoAtMostOneBatchPerSlotWithExactSums() {
    PendingDeltas pending = new PendingDeltas();
    Random random = new Random(9);
    for (int commit = 0; commit < 2; commit++) {
      Map<SeriesKey, Totals> expected = new HashMap<>();
      for (int i = 0; i < 30_000; i++) {
        SeriesKey key =
            AsFamily.key(
                Direction.RECEIVE, "edge" + random.nextInt(3), random.nextInt(3000), 64500);
        long bytes = 1 + random.nextInt(1500);
        count(pending, key, bytes, 1);
        expected.merge(key, new Totals(bytes, 1, 1), TestFlows::sum);
      }
      assertThat(expected.size()).isGreaterThan(5000);
      assertThat(pending.size()).isEqualTo(expected.size());

      Map<SeriesKey, Totals> drained = new HashMap<>();
      Set<Integer> slots = new HashSet<>();
      pending.drain(
          (slot, value) -> {
            assertThat(slots.add(slot)).as("slot %d twice", slot).isTrue();
            TestFlows.decodeBatch(value)
                .forEach(
                    (k, t) -> {
                      assertThat(k.hash() & 255).isEqualTo(slot);
                      assertThat(drained.put(k, t)).isNull();
                    });
          });
      assertThat(slots).hasSize(DeltaBatch.SLOTS); // thousands of series fill every slot, once each
      assertThat(drained).isEqualTo(expected);
      // Drained means forgotten: the next commit starts from zero.
      assertThat(pending.isEmpty()).isTrue();
    }
  }

  @Test
  void sumsStopAtTheLargestLong() {
    PendingDeltas pending = new PendingDeltas();
    SeriesKey key = AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 15169);
    count(pending, key, Long.MAX_VALUE - 1, 1);
    count(pending, key, 2, Long.MAX_VALUE);
    Map<SeriesKey, Totals> drained = new HashMap<>();
    pending.drain((slot, value) -> drained.putAll(TestFlows.decodeBatch(value)));
    assertThat(drained)
        .containsExactly(Map.entry(key, new Totals(Long.MAX_VALUE, Long.MAX_VALUE, 2)));
  }

  @Test
  void anEmptyDrainSendsNothing() {
    PendingDeltas pending = new PendingDeltas();
    count(pending, AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), 1, 1);
    pending.clear();
    int[] batches = {0};
    pending.drain((slot, value) -> batches[0]++);
    assertThat(batches[0]).isZero();
  }
}
