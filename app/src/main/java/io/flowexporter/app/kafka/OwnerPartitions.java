package io.flowexporter.app.kafka;

import io.flowexporter.topology.FlowTopology;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many owner partitions (the second stage's tasks) an application id has. Each series belongs
 * to one owner partition by its key's hash modulo this count, so the count must never change while
 * the totals live on: it is fixed when the repartition topic is first created, as the input topic's
 * partitions then, and read back from that topic at every later start. Operators may add partitions
 * to the input topic (more first-stage tasks, more instances doing the parsing) without moving a
 * series to another owner, which would restart its counter or show it twice.
 */
public final class OwnerPartitions {

  private static final Logger LOG = LoggerFactory.getLogger(OwnerPartitions.class);

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
   * the stored totals keep their owners), else {@code inputPartitions} (a first start). Never
   * guessed: a guess could split the series between two owners, so Kafka is asked until it answers.
   *
   * @return the owners, or null if the exporter was asked to stop first
   */
  public static Owners of(
      Admin admin, String applicationId, int inputPartitions, UntilKafkaAnswers kafka)
      throws InterruptedException {
    for (String topic :
        List.of(
            FlowTopology.deltasTopic(applicationId),
            applicationId + "-" + FlowTopology.STORE + "-changelog")) {
      Optional<Integer> partitions =
          kafka.ask(
              LOG,
              topic,
              "the partitions of topic " + topic + ", which fix which instance owns each series",
              () -> TopicWaiter.partitionsOf(admin, topic));
      if (partitions.isEmpty()) {
        return null;
      }
      if (partitions.get() != TopicWaiter.NO_TOPIC) {
        return new Owners(partitions.get(), true);
      }
    }
    return new Owners(inputPartitions, false);
  }
}
