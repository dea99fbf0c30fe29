package io.flowexporter.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * @param streamThreads stream threads in this process, or {@link #AUTO_STREAM_THREADS}: the
 *     processors the JVM sees, at most the input topic's partitions (a second thread was worth half
 *     again the throughput on two cores; threads beyond the partitions would idle)
 * @param clientProperties extra properties for the Kafka clients (SASL, TLS, tuning), from {@code
 *     --kafka-config} and {@code --kafka-property}
 * @param clientPropertiesFile the {@code --kafka-config} file they were read from, if any
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
    Map<String, String> clientProperties,
    Optional<Path> clientPropertiesFile) {

  /** {@code --stream-threads auto}. */
  public static final int AUTO_STREAM_THREADS = 0;

  /** Client properties given on the command line only. */
  public KafkaConfig(
      String brokers,
      String applicationId,
      Path stateDir,
      ProcessingGuarantee processingGuarantee,
      boolean fromBeginning,
      Duration commitInterval,
      int standbyReplicas,
      int streamThreads,
      Map<String, String> clientProperties) {
    this(
        brokers,
        applicationId,
        stateDir,
        processingGuarantee,
        fromBeginning,
        commitInterval,
        standbyReplicas,
        streamThreads,
        clientProperties,
        Optional.empty());
  }

  public KafkaConfig {
    Objects.requireNonNull(brokers, "brokers");
    Objects.requireNonNull(clientPropertiesFile, "clientPropertiesFile");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(processingGuarantee, "processingGuarantee");
    Objects.requireNonNull(commitInterval, "commitInterval");
    clientProperties = Map.copyOf(clientProperties);
    if (streamThreads < AUTO_STREAM_THREADS) {
      throw new IllegalArgumentException("stream threads must be at least 1, or auto");
    }
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commit interval must be positive");
    }
  }

  /** The stream threads to run for an input topic of {@code partitions} partitions. */
  public int streamThreadsFor(int partitions) {
    if (streamThreads != AUTO_STREAM_THREADS) {
      return streamThreads;
    }
    return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), partitions));
  }

  /** Without the client properties, which may hold secrets: {@link ExporterConfig#describe}. */
  @Override
  public String toString() {
    return "KafkaConfig[brokers="
        + brokers
        + ", applicationId="
        + applicationId
        + ", clientProperties="
        + ExporterConfig.masked(clientProperties)
        + "]";
  }
}
