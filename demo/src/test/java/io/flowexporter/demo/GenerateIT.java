package io.flowexporter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.it.ExporterProcess;
import io.flowexporter.broker.EmbeddedKafkaBroker;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.flow.InvalidReason;
import io.flowexporter.topology.flow.ParseListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flow-exporter generate} alone against an existing broker writes valid pmacct records, and
 * says so, with a failing status, when the broker refuses them.
 */
class GenerateIT {

  @Test
  void writesTheRequestedNumberOfValidPmacctRecords(@TempDir Path dir) {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        ExporterProcess generate =
            ExporterProcess.startRaw(
                dir.resolve("generate.log"),
                Map.of(),
                0,
                "generate",
                "--brokers",
                broker.bootstrapServers(),
                "--topic",
                "generated",
                "--count",
                "600",
                "--rate",
                "2000")) {
      assertThat(generate.waitFor(Duration.ofSeconds(90))).as(generate.log()).isZero();
      assertThat(generate.log()).contains("Sent 600 records to generated");

      List<FlowRecord> records = new ArrayList<>();
      List<InvalidReason> invalid = new ArrayList<>();
      ParseListener collect =
          new ParseListener() {
            @Override
            public void record(FlowRecord r) {
              records.add(r);
            }

            @Override
            public void marker() {}

            @Override
            public void invalid(InvalidReason reason, String sample) {
              invalid.add(reason);
            }
          };
      Properties p = new Properties();
      p.put("bootstrap.servers", broker.bootstrapServers());
      p.put("group.id", "generate-it");
      p.put("auto.offset.reset", "earliest");
      FlowParser parser = new FlowParser();
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of("generated"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (records.size() + invalid.size() < 600 && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            parser.parse(r.value(), collect);
          }
        }
      }
      assertThat(invalid).isEmpty();
      assertThat(records).hasSize(600);
      Set<Long> peers = new HashSet<>();
      Set<String> routers = new HashSet<>();
      for (FlowRecord r : records) {
        assertThat(r.asSrc() == 64500 || r.asDst() == 64500 || (r.asSrc() == 0 && r.asDst() == 0))
            .as(r.toString())
            .isTrue();
        assertThat(r.bytes()).isPositive();
        peers.add(r.asSrc() == 64500 ? r.asDst() : r.asSrc());
        routers.add(r.hostname());
      }
      assertThat(peers).hasSizeGreaterThan(10);
      assertThat(routers).containsExactlyInAnyOrder("edge1", "edge2", "edge3");
    }
  }

  @Test
  void recordsTheBrokerRefusesAreReportedWithAFailingStatus(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      // A topic whose batches may not exceed 100 bytes: every batch of records is refused.
      Properties p = new Properties();
      p.put("bootstrap.servers", broker.bootstrapServers());
      try (Admin admin = Admin.create(p)) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("tiny", 1, (short) 1).configs(Map.of("max.message.bytes", "100"))))
            .all()
            .get();
      }
      try (ExporterProcess generate =
          ExporterProcess.startRaw(
              dir.resolve("generate.log"),
              Map.of(),
              0,
              "generate",
              "--brokers",
              broker.bootstrapServers(),
              "--topic",
              "tiny",
              "--count",
              "50",
              "--rate",
              "1000")) {
        assertThat(generate.waitFor(Duration.ofSeconds(90))).as(generate.log()).isEqualTo(1);
        assertThat(generate.log())
            .contains("Sent 0 records to tiny")
            .contains("50 records were not written to tiny; first error: ")
            .contains("RecordTooLargeException");
      }
    }
  }
}
