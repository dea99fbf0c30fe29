package io.flowexporter.topology.aggregate;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Where a {@link DeltaBatch} goes on the repartition topic: a batch of series to the owner
 * partition of its slot (slot {@code s} to partition {@code s % partitions}, so each series always
 * reaches the same owner, whatever Kafka's own hash would do); a {@linkplain DeltaBatch#timeMark()
 * time mark} to every owner partition.
 */
public final class DeltaPartitioner implements StreamPartitioner<byte[], byte[]> {

  private volatile Set<Integer> all = Set.of();

  @Override
  public Optional<Set<Integer>> partitions(String topic, byte[] key, byte[] value, int partitions) {
    if (!DeltaBatch.isTimeMark(value)) {
      return Optional.of(Set.of(DeltaBatch.partitionOf(key, partitions)));
    }
    Set<Integer> every = all;
    if (every.size() != partitions) {
      every = IntStream.range(0, partitions).boxed().collect(Collectors.toUnmodifiableSet());
      all = every;
    }
    return Optional.of(every);
  }
}
