package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the exporter does with totals it cannot read: the previous version's changelog is refused at
 * start-up with what to do, and a stored total of an unknown format stops the process after a
 * bounded number of thread replacements. Both exit with status 1, neither loops.
 */
class StoredFormatIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  void totalsOfThePreviousFormatAreRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
    String topic = "flows-upgrade";
    String app = "it-upgrade";
    Topics.create(broker.bootstrapServers(), topic, 2);
    // What flow-exporter 0.1 left behind: the changelog of its per-partition store.
    Topics.create(broker.bootstrapServers(), app + "-flow-totals-changelog", 2);
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            "--brokers",
            broker.bootstrapServers(),
            "--topic",
            topic,
            "--asn",
            "64500",
            "--state-dir",
            dir.resolve("state").toString(),
            "--application-id",
            app)) {
      assertThat(exporter.waitFor(Duration.ofSeconds(60))).as(exporter.log()).isEqualTo(1);
      assertThat(exporter.log())
          .contains(
              "format of flow-exporter 0.1",
              app + "-flow-totals-changelog",
              "new --application-id",
              "kafka-streams-application-reset")
          .doesNotContain("Stream state CREATED -> REBALANCING");
    }
  }

  @Test
  void aStoredTotalOfAnUnknownFormatStopsTheProcessAfterBoundedRetries(@TempDir Path dir)
      throws Exception {
    String topic = "flows-bad-store";
    String app = "it-bad-store";
    Topics.create(broker.bootstrapServers(), topic, 1);
    String changelog = app + "-series-totals-changelog";
    Topics.create(broker.bootstrapServers(), changelog, 1);
    // One bucket (count 1024, bucket 0) in a format byte no version writes.
    byte[] key = ByteBuffer.allocate(8).putInt(1024).putInt(0).array();
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(changelog, 0, key, new byte[] {9, 0, 0})).get();
    }
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            "--brokers",
            broker.bootstrapServers(),
            "--topic",
            topic,
            "--asn",
            "64500",
            "--state-dir",
            dir.resolve("state").toString(),
            "--application-id",
            app,
            "--from-beginning",
            // A replacement thread waits for the failed thread's group membership to time out.
            "--kafka-property",
            "session.timeout.ms=6000")) {
      assertThat(exporter.waitFor(Duration.ofSeconds(150))).as(exporter.log()).isEqualTo(1);
      String log = exporter.log();
      assertThat(log).contains("is in format 9, not 2", "the failure does not go away");
      assertThat(log.lines().filter(l -> l.contains("Stream thread failed; replacing it")))
          .hasSize(3);
    }
  }
}
