package io.flowexporter.app.flows;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.FlowClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Opens the scans of the flow API on the input topic: each on a consumer of its own, with no
 * consumer group (so it neither joins the exporter's group nor commits offsets) and every partition
 * assigned. A tap starts at each partition's end; a search at the first offset whose time is {@code
 * from} or later ({@code offsetsForTimes}), and stops at the end offsets of the moment it started.
 * No state is kept between scans. Thread-safe: each scan is its own.
 */
public final class FlowScanner {

  /** The byte cap of one answer. */
  public static final long MAX_BYTES = 64L << 20;

  /** How long Kafka may take to say how many partitions the topic has. */
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final String topic;
  private final FlowClassifier classifier;
  private final AsnLookup names;
  private final long maxBytes;

  /**
   * @param consumers makes a new consumer for each scan (read_committed, no group); the scan closes
   *     it
   * @param names AS names for the documents
   * @param maxBytes the byte cap of one answer, {@link #MAX_BYTES} in production
   */
  public FlowScanner(
      Supplier<Consumer<byte[], byte[]>> consumers,
      String topic,
      FlowClassifier classifier,
      AsnLookup names,
      long maxBytes) {
    this.consumers = consumers;
    this.topic = topic;
    this.classifier = classifier;
    this.names = names;
    this.maxBytes = maxBytes;
  }

  /**
   * Assigns and positions a new consumer for the query.
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka does not answer, or the topic is
   *     unknown
   */
  public FlowScan open(FlowQuery query) {
    Consumer<byte[], byte[]> consumer = consumers.get();
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new org.apache.kafka.common.errors.UnknownTopicOrPartitionException(
            "topic " + topic + " has no partitions");
      }
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : infos) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = new HashMap<>();
      if (query.kind() == FlowQuery.Kind.TAP) {
        consumer.seekToEnd(partitions);
        // position() resolves the lazy seek now, so "from now on" is this moment, not the first
        // poll.
        partitions.forEach(tp -> consumer.position(tp, METADATA_TIMEOUT));
      } else {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(tp -> times.put(tp, query.from().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> starts =
            consumer.offsetsForTimes(times, METADATA_TIMEOUT);
        Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        for (TopicPartition tp : partitions) {
          OffsetAndTimestamp start = starts.get(tp);
          long end = endOffsets.get(tp);
          if (start == null || start.offset() >= end) {
            continue; // nothing at or after from
          }
          consumer.seek(tp, start.offset());
          ends.put(tp, end);
        }
        List<TopicPartition> idle = new ArrayList<>(partitions);
        idle.removeAll(ends.keySet());
        consumer.pause(idle);
      }
      return new FlowScan(consumer, query, ends, classifier, names, maxBytes);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }
}
