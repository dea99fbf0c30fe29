package io.flowexporter.app.kafka;

import io.flowexporter.topology.aggregate.CommittedTotals;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * The Kafka clients Kafka Streams would create by default, with two additions: once a stream
 * thread's commit has succeeded — its producer's transaction under exactly-once, its consumer's
 * offset commit under at-least-once — {@link CommittedTotals#committed()} is called on that thread,
 * so that the totals written for that commit become visible on /metrics (Kafka Streams itself
 * offers state stores no call after a commit); and the partitions a main consumer gives up in a
 * rebalance (revoked, or lost) are reported once Kafka Streams has closed their tasks.
 */
public final class CommitAwareClientSupplier implements KafkaClientSupplier {

  private final CommittedTotals committed;
  private final java.util.function.Consumer<Collection<TopicPartition>> left;

  /**
   * @param left told, on the stream thread, of the partitions a main consumer gave up, after their
   *     tasks were closed
   */
  public CommitAwareClientSupplier(
      CommittedTotals committed, java.util.function.Consumer<Collection<TopicPartition>> left) {
    this.committed = committed;
    this.left = left;
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
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
