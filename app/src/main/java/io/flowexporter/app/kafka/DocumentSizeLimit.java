package io.flowexporter.app.kafka;

import io.flowexporter.topology.document.EcsDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest flow document the documents topic takes. A document Kafka refuses fails the counting
 * transaction it belongs to, and the same record makes the same document after every restart: the
 * counting would stop for good. So documents are held below the topic's {@code max.message.bytes}
 * (the broker's {@code message.max.bytes} unless the topic sets its own) and the producer's {@code
 * max.request.size}, read once at start-up; a record with more pmacct fields of its own than that
 * keeps its ECS fields and loses the copy of the rest, tagged {@code pmacct_fields_too_large}. The
 * producer also puts several documents into one batch of up to {@code batch.size} bytes (16 KiB); a
 * topic that takes less refuses such a batch, which the producer then splits and sends again, a
 * round trip and a WARN line each time. So for such a topic the producer's batches are made to fit
 * (one producer per stream thread writes every topic, so its other batches shrink too).
 *
 * @param documentBytes the largest document
 * @param producerBatchSize the producer's {@code batch.size} when it must be smaller for the topic
 */
public record DocumentSizeLimit(int documentBytes, OptionalInt producerBatchSize) {

  private static final Logger LOG = LoggerFactory.getLogger(DocumentSizeLimit.class);

  /**
   * Room for what Kafka adds to a document in a record batch: the batch header (61 bytes, 12 more
   * in the log), the record's lengths and time, and the key (an {@code event.id} of at most about
   * 300 bytes).
   */
  static final int RECORD_OVERHEAD = 1024;

  /** Kafka's defaults: the producer's max.request.size and batch.size. */
  static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

  static final int DEFAULT_BATCH_SIZE = 16_384;

  /**
   * The bound for documents on {@code topic}; logs where it comes from when it is below the
   * default.
   *
   * @throws IllegalStateException when the topic or the producer takes too little for any document;
   *     the message names the setting and how to raise it
   */
  public static DocumentSizeLimit of(
      Admin admin, String topic, String brokers, Properties streamsProperties)
      throws InterruptedException {
    Map<String, Object> producer = new StreamsConfig(streamsProperties).getProducerConfigs("size");
    int maxRequestSize =
        intSetting(producer, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DEFAULT_MAX_REQUEST_SIZE);
    int batchSize = intSetting(producer, ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_SIZE);
    OptionalInt topicMax = topicMaxMessageBytes(admin, topic);
    DocumentSizeLimit limit = of(topicMax, maxRequestSize, batchSize);
    if (limit.documentBytes() < EcsDocuments.MIN_DOCUMENT_BYTES) {
      int needed = EcsDocuments.MIN_DOCUMENT_BYTES + RECORD_OVERHEAD;
      List<String> causes = new ArrayList<>();
      if (topicMax.isPresent() && topicMax.getAsInt() < needed) {
        causes.add(
            "topic "
                + topic
                + " (--flow-topic) takes messages of at most "
                + topicMax.getAsInt()
                + " bytes (its max.message.bytes; raise it with kafka-configs --bootstrap-server "
                + brokers
                + " --alter --entity-type topics --entity-name "
                + topic
                + " --add-config max.message.bytes=1048588)");
      }
      if (maxRequestSize < needed) {
        causes.add(
            "the producer's max.request.size is "
                + maxRequestSize
                + " bytes (--kafka-property/--kafka-config)");
      }
      throw new IllegalStateException(
          "Flow documents need messages of "
              + needed
              + " bytes, but "
              + String.join(" and ", causes));
    }
    if (limit.documentBytes() < EcsDocuments.MAX_DOCUMENT_BYTES) {
      LOG.info(
          "Flow documents on {} are held to {} bytes (the topic's max.message.bytes {}, the"
              + " producer's max.request.size {}); larger pmacct records keep their ECS fields only",
          topic,
          limit.documentBytes(),
          topicMax.isPresent() ? Integer.toString(topicMax.getAsInt()) : "unknown",
          maxRequestSize);
    }
    limit
        .producerBatchSize()
        .ifPresent(
            b ->
                LOG.info(
                    "The producers' batches are held to {} bytes (batch.size {}) for topic {};"
                        + " each stream thread's one producer writes the counting's internal"
                        + " topics with the same batches",
                    b,
                    batchSize,
                    topic));
    return limit;
  }

  /** The smaller of the default and what both limits leave after a record's overhead. */
  static DocumentSizeLimit of(OptionalInt topicMaxMessageBytes, int maxRequestSize, int batchSize) {
    long limit = Math.min(EcsDocuments.MAX_DOCUMENT_BYTES, (long) maxRequestSize - RECORD_OVERHEAD);
    OptionalInt batch = OptionalInt.empty();
    if (topicMaxMessageBytes.isPresent()) {
      long topicLimit = (long) topicMaxMessageBytes.getAsInt() - RECORD_OVERHEAD;
      limit = Math.min(limit, topicLimit);
      // Batches of several documents that fit the first time, not after a refusal and a split.
      if (batchSize > topicLimit && topicLimit >= EcsDocuments.MIN_DOCUMENT_BYTES) {
        batch = OptionalInt.of((int) topicLimit);
      }
    }
    return new DocumentSizeLimit((int) Math.max(limit, 0), batch);
  }

  private static int intSetting(Map<String, Object> config, String name, int otherwise) {
    Object v = config.get(name);
    return v == null ? otherwise : Integer.parseInt(v.toString().trim());
  }

  /** The topic's effective {@code max.message.bytes}; empty when Kafka does not say. */
  private static OptionalInt topicMaxMessageBytes(Admin admin, String topic)
      throws InterruptedException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      Config config =
          admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
      ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      if (entry != null && entry.value() != null) {
        return OptionalInt.of(Integer.parseInt(entry.value().trim()));
      }
      LOG.warn(
          "Kafka did not say topic {}'s max.message.bytes; flow documents are held to the"
              + " producer's max.request.size only",
          topic);
    } catch (ExecutionException | TimeoutException | NumberFormatException e) {
      Throwable why = e instanceof ExecutionException ? e.getCause() : e;
      LOG.warn(
          "Could not read topic {}'s max.message.bytes ({}); flow documents are held to the"
              + " producer's max.request.size only, which a topic that takes less may refuse"
              + " (grant DescribeConfigs on the topic to let the exporter read it)",
          topic,
          why.getMessage() != null ? why.getMessage() : why.getClass().getSimpleName());
    }
    return OptionalInt.empty();
  }
}
