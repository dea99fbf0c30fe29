package io.flowexporter.app.kafka;

import io.flowexporter.topology.aggregate.CommittedTotals;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * The Kafka clients Kafka Streams would create by default, with three additions: once a stream
 * thread's commit has succeeded — its producer's transaction under exactly-once, its consumer's
 * offset commit under at-least-once — {@link CommittedTotals#committed()} is called on that thread,
 * so that the totals written for that commit become visible on /metrics (Kafka Streams itself
 * offers state stores no call after a commit); and the partitions a main consumer gives up in a
 * rebalance (revoked, or lost) are reported once Kafka Streams has closed their tasks; and while
 * stores are rebuilt, polls wait at most {@link #WHILE_RESTORING}, so that a task runs as soon as
 * its store is ready (see there for when exactly).
 */
public final class CommitAwareClientSupplier implements KafkaClientSupplier {

  /**
   * The longest a poll waits while stores are rebuilt. Kafka Streams polls the restore consumer,
   * and the main consumer of a thread whose tasks are being restored, for {@code poll.ms} (100 ms)
   * and looks at the restoration's progress only between polls: an empty changelog took a whole
   * poll, and a thread's tasks were restored one after the other, so a start spent 0.3-0.4 s
   * waiting. The restore consumer polls briefly only while an active task's store is rebuilt: it
   * also keeps standby copies up to date, and polling it every 10 ms at all times cost two idle
   * instances with standbys about 2% of a core each. The main consumer polls briefly while any of
   * its partitions is paused, as Kafka Streams keeps those of a restoring task until the thread has
   * seen the task restored (it also pauses a partition whose buffer is full, but resumes it before
   * it polls again, and a few others until a failed task is revived: short phases either way).
   */
  static final Duration WHILE_RESTORING = Duration.ofMillis(10);

  private final CommittedTotals committed;
  private final BooleanSupplier restoring;
  private final java.util.function.Consumer<Collection<TopicPartition>> left;

  /**
   * @param left told, on the stream thread, of the partitions a main consumer gave up, after their
   *     tasks were closed
   * @param restoring whether a store of an active task is being rebuilt from its changelog
   */
  public CommitAwareClientSupplier(
      CommittedTotals committed,
      java.util.function.Consumer<Collection<TopicPartition>> left,
      BooleanSupplier restoring) {
    this.committed = committed;
    this.left = left;
    this.restoring = restoring;
  }

  @Override
  public Admin getAdmin(Map<String, Object> config) {
    return Admin.create(config);
  }

  @Override
  public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()) {
      @Override
      public void commitTransaction() {
        super.commitTransaction();
        committed.committed();
      }

      @Override
      public void abortTransaction() {
        try {
          super.abortTransaction();
        } finally {
          committed.aborted();
        }
      }
    };
  }

  @Override
  public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()) {
      @Override
      public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        super.commitSync(offsets);
        committed.committed();
      }

      @Override
      public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        super.commitSync(offsets, timeout);
        committed.committed();
      }

      @Override
      public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        return super.poll(paused().isEmpty() ? timeout : atMost(timeout, WHILE_RESTORING));
      }

      @Override
      public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        super.subscribe(topics, reporting(listener));
      }

      @Override
      public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        super.subscribe(pattern, reporting(listener));
      }
    };
  }

  /** Kafka Streams' listener, then {@link #left} for what it gave up. */
  ConsumerRebalanceListener reporting(ConsumerRebalanceListener streams) {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        streams.onPartitionsAssigned(partitions);
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        try {
          streams.onPartitionsRevoked(partitions);
        } finally {
          left.accept(partitions);
        }
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        try {
          streams.onPartitionsLost(partitions);
        } finally {
          left.accept(partitions);
        }
      }
    };
  }

  @Override
  public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()) {
      @Override
      public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        return super.poll(restoring.getAsBoolean() ? atMost(timeout, WHILE_RESTORING) : timeout);
      }
    };
  }

  static Duration atMost(Duration timeout, Duration cap) {
    return timeout.compareTo(cap) > 0 ? cap : timeout;
  }

  @Override
  public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
