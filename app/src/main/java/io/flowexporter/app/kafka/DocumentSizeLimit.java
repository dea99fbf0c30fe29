package io.flowexporter.app.kafka;

import io.flowexporter.topology.document.EcsDocuments;
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
 * keeps its ECS fields and loses the copy of the rest, tagged {@code pmacct_fields_too_large}.
 */
public final class DocumentSizeLimit {

  private static final Logger LOG = LoggerFactory.getLogger(DocumentSizeLimit.class);

  /**
   * Room for what Kafka adds to a document in a record batch: the batch header (61 bytes), the
   * record's lengths and time, and the key (an {@code event.id} of a few dozen bytes).
   */
  static final int RECORD_OVERHEAD = 1024;

  private DocumentSizeLimit() {}

  /**
   * The bound for documents on {@code topic}; logs where it comes from when it is below the
   * default.
   *
   * @throws IllegalStateException when the topic takes too little for any document; the message
   *     names the topic and its setting
   */
  public static int of(Admin admin, String topic, Properties streamsProperties)
      throws InterruptedException {
    int maxRequestSize = maxRequestSize(streamsProperties);
    OptionalInt topicMax = topicMaxMessageBytes(admin, topic);
    int limit = limit(topicMax, maxRequestSize);
    if (limit < EcsDocuments.MIN_DOCUMENT_BYTES) {
      throw new IllegalStateException(
          "Topic "
              + topic
              + " takes messages of at most "
              + Math.min(topicMax.orElse(Integer.MAX_VALUE), maxRequestSize)
              + " bytes (its max.message.bytes, or the producer's max.request.size): too small for"
              + " flow documents, which need "
              + (EcsDocuments.MIN_DOCUMENT_BYTES + RECORD_OVERHEAD)
              + " bytes; raise it with kafka-configs --alter --entity-type topics --entity-name "
              + topic
              + " --add-config max.message.bytes=1048588");
    }
    if (limit < EcsDocuments.MAX_DOCUMENT_BYTES) {
      LOG.info(
          "Flow documents on {} are held to {} bytes (the topic's max.message.bytes {}, the"
              + " producer's max.request.size {}); larger pmacct records keep their ECS fields only",
          topic,
          limit,
          topicMax.isPresent() ? Integer.toString(topicMax.getAsInt()) : "unknown",
          maxRequestSize);
    }
    return limit;
  }

  /** The smaller of the default and what both limits leave after the record's overhead. */
  static int limit(OptionalInt topicMaxMessageBytes, int maxRequestSize) {
    long limit = Math.min(EcsDocuments.MAX_DOCUMENT_BYTES, (long) maxRequestSize - RECORD_OVERHEAD);
    if (topicMaxMessageBytes.isPresent()) {
      limit = Math.min(limit, (long) topicMaxMessageBytes.getAsInt() - RECORD_OVERHEAD);
    }
    return (int) Math.max(limit, 0);
  }

  /** The producer's {@code max.request.size}, with Kafka Streams' prefixes resolved. */
  static int maxRequestSize(Properties streamsProperties) {
    Map<String, Object> producer = new StreamsConfig(streamsProperties).getProducerConfigs("size");
    Object v = producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    return v == null
        ? 1_048_576 // the producer's default
        : Integer.parseInt(v.toString().trim());
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
      LOG.warn(
          "Could not read topic {}'s max.message.bytes ({}); flow documents are held to the"
              + " producer's max.request.size only (grant DescribeConfigs on the topic to let the"
              + " exporter read it)",
          topic,
          e instanceof ExecutionException ? e.getCause().getMessage() : e.toString());
    }
    return OptionalInt.empty();
  }
}
