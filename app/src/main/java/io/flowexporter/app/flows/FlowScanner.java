package io.flowexporter.app.flows;

import io.flowexporter.app.config.Durations;
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
import org.apache.kafka.common.errors.TimeoutException;

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

  /**
   * How long Kafka may take to answer one question of the positioning (the partitions, the start
   * and end offsets), and less when the scan's own timeout ends sooner: the positioning holds a
   * scan slot, and its time counts against the scan's timeout.
   */
  static final Duration KAFKA_WAIT = Duration.ofSeconds(10);

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
   * Assigns and positions a new consumer for the query. The scan's timeout starts now: the time
   * Kafka takes to position the consumer is part of it.
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka does not answer (within {@link
   *     #KAFKA_WAIT} a question, and within the scan's timeout), refuses, or the topic is unknown
   */
  public FlowScan open(FlowQuery query) {
    long started = System.nanoTime();
    long deadline = started + query.timeout().toNanos();
    Consumer<byte[], byte[]> consumer = consumers.get();
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, waitUntil(deadline, query));
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
        for (TopicPartition tp : partitions) {
          consumer.position(tp, waitUntil(deadline, query));
        }
      } else {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(tp -> times.put(tp, query.from().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> starts =
            consumer.offsetsForTimes(times, waitUntil(deadline, query));
        Map<TopicPartition, Long> endOffsets =
            consumer.endOffsets(partitions, waitUntil(deadline, query));
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
      return new FlowScan(consumer, query, ends, classifier, names, maxBytes, started);
    } catch (RuntimeException e) {
      FlowScan.closeBriefly(consumer);
      throw e;
    }
  }

  /**
   * How long the next question to Kafka may wait: {@link #KAFKA_WAIT}, or what is left of the
   * scan's timeout if that is less.
   *
   * @throws TimeoutException when nothing is left: Kafka took the whole timeout to answer
   */
  static Duration waitUntil(long deadline, FlowQuery query) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new TimeoutException(
          "no answer from Kafka within the scan's timeout of "
              + Durations.format(query.timeout())
              + " (while positioning it)");
    }
    return Duration.ofNanos(Math.min(left, KAFKA_WAIT.toNanos()));
  }
}
