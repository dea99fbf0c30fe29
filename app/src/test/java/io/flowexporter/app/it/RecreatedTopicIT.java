package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input topic is deleted and created again while the exporter is down (a topic set up anew, its
 * partitions changed the hard way): Kafka drops the group's offsets with the topic, and what pmacct
 * wrote to the new topic before the exporter came back is counted, not skipped as if the
 * application id started for the first time. Its first start, before, skipped what the topic held.
 */
class RecreatedTopicIT {

  private static final String APPLICATION_ID = "it-recreated";
  private static final int PARTITIONS = 2;
  private static final Duration EXACT_WITHIN = Duration.ofSeconds(120);
  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  void whatTheNewTopicHeldBeforeTheRestartIsCounted(@TempDir Path dir) throws Exception {
    String topic = "flows-recreated";
    Topics.create(broker.bootstrapServers(), topic, PARTITIONS);
    Topics.produce(broker.bootstrapServers(), topic, new PmacctRecords(60), 300); // not counted
    PmacctRecords records = new PmacctRecords(61);
    try (ExporterGroup group =
            new ExporterGroup(
                broker.bootstrapServers(), topic, PARTITIONS, APPLICATION_ID, dir, List.of("a"));
        Admin admin = Topics.admin(broker.bootstrapServers())) {
      group.startingAtTheEnd();
      group.start("a");
      group.awaitSpread(EXACT_WITHIN); // running, its first start's offsets committed
      Topics.produce(broker.bootstrapServers(), topic, records, 500);
      group.awaitSum(records.expected, EXACT_WITHIN);
      group.stopCleanly("a");

      admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (hasOffsets(admin, topic) || topicExists(admin, topic)) {
        assertThat(System.nanoTime()).as("topic and offsets gone").isLessThan(deadline);
        Thread.sleep(200);
      }
      Topics.create(broker.bootstrapServers(), topic, PARTITIONS);
      Topics.produce(broker.bootstrapServers(), topic, records, 400); // while it is down

      group.start("a");
      group.awaitSum(records.expected, EXACT_WITHIN);
      // The log holds both runs: the second is after its last start line.
      String log = group.running().get("a").log();
      String restart =
          log.substring(log.lastIndexOf("io.flowexporter.app.Exporter - flow-exporter "));
      assertThat(restart)
          .contains("has no committed offsets for " + topic)
          .doesNotContain("First start of group " + APPLICATION_ID);
      assertThat(log).contains("First start of group " + APPLICATION_ID);
      group.stopAllCleanly();
    }
  }

  private static boolean topicExists(Admin admin, String topic) throws Exception {
    return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
  }

  private static boolean hasOffsets(Admin admin, String topic) throws Exception {
    return admin
        .listConsumerGroupOffsets(APPLICATION_ID)
        .partitionsToOffsetAndMetadata()
        .get(30, TimeUnit.SECONDS)
        .keySet()
        .stream()
        .anyMatch(tp -> tp.topic().equals(topic));
  }
}
