package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.FlowTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator adds partitions to the input topic while two instances count it, as the deployment
 * guide says to when more instances should share the work: the running instances take the new
 * partitions and count them from their first record (also what pmacct wrote to them before the
 * exporters noticed), the owner partitions (the repartition topic) keep their count, so no series
 * changes owner, and the sum of both instances stays the input exactly, also across a restart. The
 * group starts without {@code --from-beginning}: what was in the topic before its first start is
 * not counted.
 */
class PartitionGrowthIT {

  private static final String APPLICATION_ID = "it-growth";
  private static final int PARTITIONS = 2;
  private static final int GROWN = 5;
  private static final Duration EXACT_WITHIN = Duration.ofSeconds(120);
  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  void addedInputPartitionsAreCountedAndNoSeriesMoves(@TempDir Path dir) throws Exception {
    String topic = "flows-growth";
    Topics.create(broker.bootstrapServers(), topic, PARTITIONS);
    // Before the group's first start: not counted, as it starts at the newest records.
    Topics.produce(broker.bootstrapServers(), topic, new PmacctRecords(46), 700);
    PmacctRecords records = new PmacctRecords(47);
    ScrapeRecorder scrapes = new ScrapeRecorder(300);
    try (ExporterGroup group =
            new ExporterGroup(
                broker.bootstrapServers(),
                topic,
                PARTITIONS, // the owner partitions, which both instances expose between them
                APPLICATION_ID,
                dir,
                List.of("a", "b"),
                // Kafka's clients look for new partitions every 5 minutes by default
                "--kafka-property",
                "metadata.max.age.ms=2000");
        Admin admin = Topics.admin(broker.bootstrapServers())) {
      group.startingAtTheEnd();
      group.ports().forEach(scrapes::watch);
      group.start("a");
      group.start("b");
      group.awaitSpread(EXACT_WITHIN);
      Topics.produce(broker.bootstrapServers(), topic, records, 1500);
      group.awaitSum(records.expected, EXACT_WITHIN);

      admin
          .createPartitions(Map.of(topic, NewPartitions.increaseTo(GROWN)))
          .all()
          .get(30, TimeUnit.SECONDS);
      Topics.produce(broker.bootstrapServers(), topic, records, 1500);
      group.awaitSum(records.expected, EXACT_WITHIN);
      assertThat(committedPartitions(admin, topic))
          .as("input partitions the group has consumed from")
          .isEqualTo(GROWN);
      assertThat(partitionsOf(admin, FlowTopology.deltasTopic(APPLICATION_ID)))
          .as("owner partitions")
          .isEqualTo(PARTITIONS);

      group.stopCleanly("b");
      group.start("b");
      Topics.produce(broker.bootstrapServers(), topic, records, 500);
      group.awaitSum(records.expected, EXACT_WITHIN);
      scrapes.close();
      assertThat(scrapes.decreases()).as("series that went down").isEmpty();
      assertThat(scrapes.decreasesAcrossInstances())
          .as("series shown lower than another instance had shown them")
          .isEmpty();
      assertThat(group.running().get("b").log())
          .contains("(" + GROWN + " partitions)")
          .contains(PARTITIONS + " owner partitions");
      System.out.printf(
          "growth: %d to %d input partitions, %d owner partitions; %d scrapes, series that went down: %s%n",
          PARTITIONS, GROWN, PARTITIONS, scrapes.samples().size(), scrapes.decreases());
      group.stopAllCleanly();
    } finally {
      scrapes.close();
    }
  }

  private static int partitionsOf(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get(topic)
        .partitions()
        .size();
  }

  /** Partitions of {@code topic} with a committed offset of the application's group. */
  private static long committedPartitions(Admin admin, String topic) throws Exception {
    return admin
        .listConsumerGroupOffsets(APPLICATION_ID)
        .partitionsToOffsetAndMetadata()
        .get(30, TimeUnit.SECONDS)
        .entrySet()
        .stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .count();
  }
}
