package io.flowexporter.app.flows;

import io.flowexporter.app.config.KafkaConfig;
import io.flowexporter.app.kafka.StreamsProperties;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The consumers of the flow API's scans, with the exporter's own Kafka client settings (so that
 * {@code --kafka-config}'s SASL and TLS apply): what Kafka Streams would give a consumer of its
 * own, then no group, no commits and {@code read_committed}, so that a scan sees what the counting
 * sees and nothing of an aborted transaction.
 */
public final class ScanConsumers implements Supplier<Consumer<byte[], byte[]>> {

  private final Map<String, Object> properties;
  private final AtomicLong scans = new AtomicLong();

  public ScanConsumers(KafkaConfig kafka) {
    // The global consumer's settings: the user's client properties without the group ones.
    Map<String, Object> p =
        new HashMap<>(
            new StreamsConfig(StreamsProperties.of(kafka)).getGlobalConsumerConfigs("flow-api"));
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A search whose start was deleted by retention begins at the oldest record left.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A scan waits for a missing topic (503) and never creates it with the broker's own partition
    // count and retention. Kafka Streams' consumer settings say so already (the consumer's own
    // default is true); said here too, so that no change of those defaults can undo it.
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    // Kafka's 50 MiB a fetch would let --api-max-scans searches of a backlog take most of a 256 MiB
    // heap from the counting; 8 MiB a fetch (1 MiB a partition) keeps a scan reading fast enough.
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(8 << 20));
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(1 << 20));
    this.properties = Map.copyOf(p);
  }

  /** The settings every scan's consumer gets, but its client id. */
  Map<String, Object> properties() {
    return properties;
  }

  @Override
  public Consumer<byte[], byte[]> get() {
    Map<String, Object> p = new HashMap<>(properties);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "flow-exporter-api-" + scans.incrementAndGet());
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
