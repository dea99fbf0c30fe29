package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.FlowTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure that comes back in every new stream thread, on a real broker: the repartition topic's
 * {@code max.message.bytes} lowered under the running exporter, so that every commit's deltas are
 * refused. The thread is replaced a bounded number of times, then the process exits with status 1
 * and says why, instead of replacing threads forever.
 */
class StreamFailureIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  void aFailureThatComesBackStopsTheProcessAfterTheReplacements(@TempDir Path dir)
      throws Exception {
    String topic = "flows-failing";
    String app = "it-failing";
    Topics.create(broker.bootstrapServers(), topic, 1);
    PmacctRecords records = new PmacctRecords(71);
    Topics.produce(broker.bootstrapServers(), topic, records, 20);
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            ExporterArgs.fromTheBeginning(
                broker.bootstrapServers(),
                topic,
                dir.resolve("state"),
                app,
                // A failed thread's member stays in the group until its session times out; a
                // shorter timeout keeps the four rounds short.
                "--kafka-property",
                "session.timeout.ms=10000"))) {
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            Scrape scrape = Scrape.of(exporter.metricsPort()); // null until it listens
            return scrape != null && !scrape.family("flow_receive_bytes_total").isEmpty();
          },
          () -> "nothing counted; log:\n" + exporter.log());

      // From now on no batch of deltas fits the repartition topic: the broker refuses each. (The
      // transaction markers, control batches of about 80 bytes, still fit: without them no
      // transaction of the failed threads could be aborted and no new producer of the same id
      // would start.)
      try (Admin admin = Topics.admin(broker.bootstrapServers())) {
        ConfigResource deltas =
            new ConfigResource(ConfigResource.Type.TOPIC, FlowTopology.deltasTopic(app));
        admin
            .incrementalAlterConfigs(
                Map.of(
                    deltas,
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "100"),
                            AlterConfigOp.OpType.SET))))
            .all()
            .get();
      }
      Topics.produce(broker.bootstrapServers(), topic, records, 5);

      assertThat(exporter.waitFor(Duration.ofMinutes(4)))
          .as("exit status; log:\n%s", exporter.log())
          .isEqualTo(1);
      String log = exporter.ownLog();
      for (int replacement = 1; replacement <= 3; replacement++) {
        assertThat(log).contains("replacing it (" + replacement + " of 3 replacements in a row");
      }
      assertThat(log)
          .contains("failed for the 4th time in a row", "the exporter stops (exit status 1)")
          .contains("RecordTooLargeException")
          .doesNotContain("replacing it (4 of");
    }
  }
}
