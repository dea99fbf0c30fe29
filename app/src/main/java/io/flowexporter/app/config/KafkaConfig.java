package io.flowexporter.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach Kafka and run the stream.
 *
 * @param brokers bootstrap servers, comma-separated
 * @param applicationId Kafka Streams application id: the consumer group and the prefix of the
 *     changelog topic
 * @param stateDir where the state stores live on disk
 * @param processingGuarantee exactly-once (default) or at-least-once
 * @param fromBeginning whether a new consumer group starts at the oldest record
 * @param commitInterval how often offsets and totals are committed; also the delay before new
 *     counts show on /metrics
 * @param standbyReplicas warm copies of each partition's totals on other instances
 * @param streamThreads stream threads in this process
 * @param clientProperties extra properties for the Kafka clients (SASL, TLS, tuning), from
 *     {@code --kafka-config} and {@code --kafka-property}
 */
public record KafkaConfig(
    String brokers,
    String applicationId,
    Path stateDir,
    ProcessingGuarantee processingGuarantee,
    boolean fromBeginning,
    Duration commitInterval,
    int standbyReplicas,
    int streamThreads,
    Map<String, String> clientProperties) {

  public KafkaConfig {
    Objects.requireNonNull(brokers, "brokers");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(processingGuarantee, "processingGuarantee");
    Objects.requireNonNull(commitInterval, "commitInterval");
    clientProperties = Map.copyOf(clientProperties);
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commit interval must be positive");
    }
  }
}
