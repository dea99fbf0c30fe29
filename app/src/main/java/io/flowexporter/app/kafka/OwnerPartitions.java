package io.flowexporter.app.kafka;

import io.flowexporter.topology.FlowTopology;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * How many owner partitions (the second stage's tasks) an application id has. Each series belongs
 * to one owner partition by its key's hash modulo this count, so the count must never change while
 * the totals live on: it is fixed when the repartition topic is first created, as the input topic's
 * partitions then, and read back from that topic at every later start. Operators may add partitions
 * to the input topic (more first-stage tasks, more instances doing the parsing) without moving a
 * series to another owner, which would restart its counter or show it twice.
 */
public final class OwnerPartitions {

  private static final int ATTEMPTS = 3;
  private static final long RETRY_PAUSE_MS = 1000;

  private OwnerPartitions() {}

  /**
   * An application id's owner partitions.
   *
   * @param count how many
   * @param stored whether the application id has run before (its repartition topic or its totals
   *     changelog exists); false on its first start
   */
  public record Owners(int count, boolean stored) {}

  /**
   * The owner partitions of {@code applicationId}: the repartition topic's partitions when it
   * exists, else its totals changelog's (should the repartition topic have been deleted by hand:
   * the stored totals keep their owners), else {@code inputPartitions} (a first start).
   *
   * @param refusals says a refusal by Kafka (an ACL on the application id's topics) and waits for
   *     it to be lifted, as the topic lookup does
   * @return the owners, or null if {@code stopping} turned true first
   * @throws IllegalStateException with the reason to stop, when Kafka does not describe a topic in
   *     three attempts: guessing could split the series between two owners
   */
  public static Owners of(
      Admin admin,
      String applicationId,
      int inputPartitions,
      BooleanSupplier stopping,
      KafkaRefusalLog refusals)
      throws InterruptedException {
    for (String topic :
        List.of(
            FlowTopology.deltasTopic(applicationId),
            applicationId + "-" + FlowTopology.STORE + "-changelog")) {
      int partitions = partitionsOf(admin, topic, stopping, refusals);
      if (partitions < 0) {
        return null;
      }
      if (partitions != UNKNOWN) {
        return new Owners(partitions, true);
      }
    }
    return new Owners(inputPartitions, false);
  }

  private static final int UNKNOWN = 0;

  /** The topic's partitions, {@link #UNKNOWN} when it does not exist, -1 when stopping. */
  private static int partitionsOf(
      Admin admin, String topic, BooleanSupplier stopping, KafkaRefusalLog refusals)
      throws InterruptedException {
    Exception failure = null;
    // The topic lookup just before reached Kafka, so a failure here is a passing one: try again.
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) {
        Thread.sleep(RETRY_PAUSE_MS);
      }
      if (stopping.getAsBoolean()) {
        return -1;
      }
      try {
        return admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(20, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .size();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          return UNKNOWN;
        }
        Throwable cause = TopicWaiter.namingTheDeniedTopic(e.getCause(), topic);
        if (refusals.report(cause).isPresent()) {
          attempt = -1; // refused, not failed: said by the refusal log and waited out, as at start
          Thread.sleep(2 * RETRY_PAUSE_MS);
          continue;
        }
        failure = e;
      } catch (TimeoutException e) {
        failure = e;
      }
    }
    throw new IllegalStateException(
        "Kafka did not describe topic "
            + topic
            + " ("
            + (failure.getCause() != null ? failure.getCause() : failure)
            + "), whose partitions fix which instance owns each series; start again once Kafka"
            + " answers");
  }
}
