package io.flowexporter.app.flows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka consumer for the scanner's tests: an empty topic whose partitions Kafka tells after a
 * delay, or refuses to tell; records how long the scanner let each question wait. An empty poll
 * takes its whole timeout, as a real consumer's does.
 */
final class ScriptedConsumer extends MockConsumer<byte[], byte[]> {

  /** The wait of each timed question, in order. */
  final List<Duration> waits = new CopyOnWriteArrayList<>();

  private final Duration delay;
  private final KafkaException failure;

  /**
   * @param delay how long the partitions take to come
   * @param failure thrown instead of the partitions, if not null
   */
  ScriptedConsumer(String topic, int partitions, Duration delay, KafkaException failure) {
    super("earliest");
    this.delay = delay;
    this.failure = failure;
    List<PartitionInfo> infos = new ArrayList<>();
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      infos.add(new PartitionInfo(topic, p, null, null, null));
      offsets.put(new TopicPartition(topic, p), 0L);
    }
    updatePartitions(topic, infos);
    updateBeginningOffsets(offsets);
    updateEndOffsets(offsets);
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
    waits.add(timeout);
    sleep(delay);
    if (failure != null) {
      throw failure;
    }
    return super.partitionsFor(topic, timeout);
  }

  @Override
  public long position(TopicPartition partition, Duration timeout) {
    waits.add(timeout);
    return super.position(partition, timeout);
  }

  @Override
  public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
      Map<TopicPartition, Long> times, Duration timeout) {
    waits.add(timeout);
    Map<TopicPartition, OffsetAndTimestamp> none = new HashMap<>();
    times.keySet().forEach(tp -> none.put(tp, null)); // no record at or after the time
    return none;
  }

  @Override
  public Map<TopicPartition, Long> endOffsets(
      Collection<TopicPartition> partitions, Duration timeout) {
    waits.add(timeout);
    return super.endOffsets(partitions, timeout);
  }

  @Override
  public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
    if (records.isEmpty()) {
      sleep(timeout);
    }
    return records;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    }
  }
}
