package io.flowexporter.app.kafka;

import io.flowexporter.app.config.ExporterConfig;
import io.flowexporter.app.config.KafkaConfig;
import io.flowexporter.app.config.ProcessingGuarantee;
import io.flowexporter.topology.document.EcsDocuments;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stream's start asks Kafka before the topology can be built, on one admin client: that
 * the brokers' names resolve, the input topic (and the flow documents' topic) exist, how large a
 * document the latter takes, that the stored state is of this version's format, how many owner
 * partitions the application id has, and a first start's offsets. Each question waits, saying why
 * once, until Kafka answers ({@link UntilKafkaAnswers}) or the exporter is stopped.
 */
public final class StreamPreflight {

  private static final Logger LOG = LoggerFactory.getLogger(StreamPreflight.class);

  /**
   * What the start learned.
   *
   * @param partitions the input topic's partitions
   * @param threads the stream threads to run ({@code --stream-threads}, auto resolved)
   * @param owners the owner partitions (the repartition topic's, fixed at the first start)
   * @param documentBytes the largest flow document the documents' topic takes
   */
  public record Plan(int partitions, int threads, int owners, int documentBytes) {}

  /** Kafka answered, and what it said stops the start for good (logged "...; exiting"). */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  private StreamPreflight() {}

  /**
   * Asks, and sets in {@code props} what the answers decide: the stream thread count and, for a
   * documents' topic that takes less than a producer batch, the batch size.
   *
   * @return the plan, or empty when the exporter was stopped while waiting
   * @throws RefusedException when the start cannot go on (stored state of an unknown format, a
   *     documents' topic that takes too little)
   */
  public static Optional<Plan> run(ExporterConfig config, Properties props, UntilKafkaAnswers kafka)
      throws InterruptedException, RefusedException {
    if (!TopicWaiter.awaitResolvable(kafka)) {
      return Optional.empty();
    }
    String input = config.topology().inputTopic();
    String group = config.kafka().applicationId();
    try (Admin admin = TopicWaiter.admin(props)) {
      int partitions = TopicWaiter.await(admin, input, kafka);
      if (partitions < 0) {
        return Optional.empty();
      }
      int threads = config.kafka().streamThreadsFor(partitions);
      props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
      int documentBytes = EcsDocuments.MAX_DOCUMENT_BYTES;
      if (config.documents().topic().isPresent()) {
        String flowTopic = config.documents().topic().get();
        logDocumentsGuarantee(config, flowTopic);
        if (TopicWaiter.await(admin, flowTopic, kafka) < 0) {
          return Optional.empty();
        }
        DocumentSizeLimit limit;
        try {
          limit = DocumentSizeLimit.of(admin, flowTopic, config.kafka().brokers(), props);
        } catch (IllegalStateException e) {
          throw new RefusedException(e.getMessage());
        }
        documentBytes = limit.documentBytes();
        limit
            .producerBatchSize()
            .ifPresent(
                b ->
                    props.put(
                        StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
                        Integer.toString(b)));
      }
      Optional<String> previous = PreviousFormat.check(admin, group, input, kafka);
      if (previous.isPresent()) {
        throw new RefusedException(previous.get());
      }
      OwnerPartitions.Owners ownership = OwnerPartitions.of(admin, group, partitions, kafka);
      if (ownership == null) {
        return Optional.empty();
      }
      int owners = ownership.count();
      if (FirstStartOffsets.begin(
              admin,
              group,
              input,
              partitions,
              ownership.stored(),
              config.kafka().fromBeginning(),
              kafka)
          == FirstStartOffsets.Outcome.STOPPED) {
        return Optional.empty();
      }
      LOG.info(
          "Consuming {} ({} partitions) at {} as application {} with {} stream thread(s){}; {} owner partitions{}",
          input,
          partitions,
          config.kafka().brokers(),
          group,
          threads,
          config.kafka().streamThreads() == KafkaConfig.AUTO_STREAM_THREADS ? " (auto)" : "",
          owners,
          owners == partitions ? "" : " (fixed when the application id first started)");
      return Optional.of(new Plan(partitions, threads, owners, documentBytes));
    }
  }

  private static void logDocumentsGuarantee(ExporterConfig config, String flowTopic) {
    if (config.kafka().processingGuarantee() == ProcessingGuarantee.EXACTLY_ONCE_V2) {
      LOG.info(
          "Producing flow documents ({}) to {} inside the counting transactions",
          config.documents().filter(),
          flowTopic);
    } else {
      LOG.warn(
          "Producing flow documents ({}) to {} at least once: with --processing-guarantee"
              + " at_least_once there are no transactions, so a crash can write a document"
              + " twice (same event.id)",
          config.documents().filter(),
          flowTopic);
    }
  }
}
