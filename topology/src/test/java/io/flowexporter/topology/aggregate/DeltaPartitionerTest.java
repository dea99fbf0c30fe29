package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A batch of series goes to its slot's owner partition; a time mark to every owner partition. */
class DeltaPartitionerTest {

  private final DeltaPartitioner partitioner = new DeltaPartitioner();

  @Test
  void aBatchGoesToItsSlotsPartition() {
    DeltaBatch.Writer w = new DeltaBatch.Writer(1 + DeltaBatch.entryBytes(3));
    w.entry(new byte[] {1, 2, 3}, 3, 1, 1, 1);
    byte[] batch = w.bytes();
    assertThat(partitioner.partitions("t", DeltaBatch.slotKey(13), batch, 4))
        .isEqualTo(Optional.of(Set.of(1)));
    assertThat(partitioner.partitions("t", DeltaBatch.slotKey(255), batch, 6))
        .isEqualTo(Optional.of(Set.of(3)));
  }

  @Test
  void aTimeMarkGoesToEveryPartitionHoweverManyThereAre() {
    byte[] mark = DeltaBatch.timeMark();
    assertThat(partitioner.partitions("t", DeltaBatch.slotKey(0), mark, 4))
        .isEqualTo(Optional.of(Set.of(0, 1, 2, 3)));
    assertThat(partitioner.partitions("t", DeltaBatch.slotKey(0), mark, 2))
        .isEqualTo(Optional.of(Set.of(0, 1)));
  }
}
