package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.aggregate.UnreadableFormatException;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the exporter does with totals it cannot read: the previous version's changelog is refused at
 * start-up with what to do, and a stored total of a newer format stops the process with what to do
 * when the stream first meets it, without replacing the thread. Both exit with status 1.
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
  void totalsOfTheBucketLayoutBeforeAreReadAndRewritten(@TempDir Path dir) throws Exception {
    String topic = "flows-layout";
    String app = "it-layout";
    Topics.create(broker.bootstrapServers(), topic, 1);
    String changelog = app + "-series-totals-changelog";
    Topics.create(broker.bootstrapServers(), changelog, 1);
    // A bucket as the version before wrote it: format byte 2, the bucket from the hash's lowest
    // bits, and in it one series with its totals.
    SeriesKey restored = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    byte[] k = restored.bytes();
    byte[] value =
        ByteBuffer.allocate(1 + 2 + k.length + 32)
            .put((byte) 2)
            .putShort((short) k.length)
            .put(k)
            .putLong(700)
            .putLong(7)
            .putLong(7)
            .putLong(System.currentTimeMillis())
            .array();
    byte[] oldKey = ByteBuffer.allocate(8).putInt(1024).putInt(restored.hash() & 1023).array();
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(changelog, 0, oldKey, value)).get();
    }
    try (KafkaProducer<String, String> p = Topics.producer(broker.bootstrapServers())) {
      for (int i = 0; i < 3; i++) {
        p.send(
                new ProducerRecord<>(
                    topic,
                    "{\"event_type\":\"purge\",\"label\":\"edge2\",\"as_src\":13335,"
                        + "\"as_dst\":64500,\"packets\":1,\"bytes\":100}"))
            .get();
      }
    }
    String[] args =
        ExporterArgs.fromTheBeginning(broker.bootstrapServers(), topic, dir.resolve("state"), app);
    String restoredLine =
        "flow_receive_bytes_total{source_as=\"15169\",source_as_name=\"\",destination_as=\"64500\","
            + "destination_as_name=\"\",hostname=\"edge1\"}";
    String countedLine =
        "flow_receive_bytes_total{source_as=\"13335\",source_as_name=\"\",destination_as=\"64500\","
            + "destination_as_name=\"\",hostname=\"edge2\"}";
    for (int start = 0; start < 2; start++) { // then again, from what the first run rewrote
      try (ExporterProcess exporter =
          ExporterProcess.start(dir.resolve("exporter-" + start + ".log"), Map.of(), args)) {
        Scrape[] last = {null};
        Await.until(
            Duration.ofSeconds(90),
            () -> {
              last[0] = Scrape.of(exporter.metricsPort());
              return last[0] != null
                  && last[0].value(restoredLine) == 700
                  && last[0].value(countedLine) == 300;
            },
            () -> "last scrape " + last[0] + "\n" + exporter.log());
        exporter.stopCleanly();
      }
    }
    // The changelog's last word on every bucket is in the current format (or a deletion).
    Map<String, byte[]> latest = new java.util.HashMap<>();
    Properties c = new Properties();
    c.put("bootstrap.servers", broker.bootstrapServers());
    c.put("isolation.level", "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(changelog, 0);
      consumer.assign(java.util.List.of(tp));
      consumer.seekToBeginning(java.util.List.of(tp));
      long end = consumer.endOffsets(java.util.List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          latest.put(java.util.HexFormat.of().formatHex(r.key()), r.value());
        }
      }
    }
    assertThat(latest).containsKey(java.util.HexFormat.of().formatHex(oldKey));
    assertThat(latest.values()).allMatch(v -> v == null || v[0] == 3);
  }

  @Test
  void aStoredTotalOfANewerFormatStopsTheProcessAtOnceWithWhatToDo(@TempDir Path dir)
      throws Exception {
    String topic = "flows-bad-store";
    String app = "it-bad-store";
    Topics.create(broker.bootstrapServers(), topic, 1);
    String changelog = app + "-series-totals-changelog";
    Topics.create(broker.bootstrapServers(), changelog, 1);
    // One bucket (count 1024, bucket 0) in a format byte above this version's: a newer version's.
    byte[] key = ByteBuffer.allocate(8).putInt(1024).putInt(0).array();
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(changelog, 0, key, new byte[] {4, 0, 0})).get();
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
            "--from-beginning")) {
      assertThat(exporter.waitFor(Duration.ofSeconds(90))).as(exporter.log()).isEqualTo(1);
      String log = exporter.log();
      assertThat(log)
          .contains(
              "Topic " + changelog + " holds data of a newer version of flow-exporter",
              "a bucket in format 4, not 3",
              "new --application-id",
              "kafka-streams-application-reset",
              "exiting (status 1)",
              // Kafka Streams' own line about the failure, without its twenty lines of frames
              "caused by " + UnreadableFormatException.class.getName() + " (stack trace left out")
          .doesNotContain("Stream thread failed; replacing it", "\tat ");
    }
  }
}
