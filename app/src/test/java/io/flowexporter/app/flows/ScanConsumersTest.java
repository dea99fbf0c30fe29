package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.config.KafkaConfig;
import io.flowexporter.app.config.ProcessingGuarantee;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanConsumersTest {

  private static Map<String, Object> settings(Map<String, String> clientProperties) {
    return new ScanConsumers(
            new KafkaConfig(
                "127.0.0.1:9092",
                "flow-exporter",
                Path.of("/tmp/state"),
                ProcessingGuarantee.EXACTLY_ONCE_V2,
                false,
                Duration.ofSeconds(1),
                1,
                2,
                clientProperties))
        .properties();
  }

  @Test
  void aScanReadsCommittedRecordsWithoutAGroupAndNeverCreatesTheTopic() {
    // The user's client settings, such as they are, even ones that would let a scan create the
    // topic or join the group.
    Map<String, Object> p =
        settings(
            Map.of(
                "allow.auto.create.topics", "true",
                "group.instance.id", "x",
                "security.protocol", "SASL_SSL"));
    assertThat(p)
        .containsEntry("allow.auto.create.topics", "false")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("security.protocol", "SASL_SSL")
        .doesNotContainKeys("group.id", "group.instance.id");
  }

  @Test
  void aScanFetchesAtMostEightMegabytesAtATime() {
    Map<String, Object> p = settings(Map.of("fetch.max.bytes", "104857600"));
    assertThat(p)
        .containsEntry("fetch.max.bytes", Integer.toString(8 << 20))
        .containsEntry("max.partition.fetch.bytes", Integer.toString(1 << 20));
  }
}
