package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.config.KafkaConfig;
import io.flowexporter.app.config.ProcessingGuarantee;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

  private static KafkaConfig kafka(Map<String, String> clientProperties) {
    return new KafkaConfig(
        "127.0.0.1:9092",
        "flow-exporter",
        Path.of("/tmp/state"),
        ProcessingGuarantee.EXACTLY_ONCE_V2,
        false,
        Duration.ofSeconds(1),
        1,
        2,
        clientProperties);
  }

  @Test
  void theExportersDefaultsApplyWhenTheUserSetsNothing() {
    Properties p = StreamsProperties.of(kafka(Map.of()));
    assertThat(p.getProperty("max.poll.records")).isEqualTo("500");
    assertThat(p.getProperty("buffered.records.per.partition")).isEqualTo("500");
    assertThat(p.getProperty("fetch.min.bytes")).isEqualTo("65536");
    assertThat(p.getProperty("max.task.idle.ms")).isEqualTo("-1");
    assertThat(p.getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
    assertThat(p.getProperty("num.stream.threads")).isEqualTo("2");
  }

  @Test
  void theUsersClientPropertiesWinOverTheDefaults() {
    Properties p =
        StreamsProperties.of(kafka(Map.of("fetch.min.bytes", "1", "max.poll.records", "100")));
    assertThat(p.getProperty("fetch.min.bytes")).isEqualTo("1");
    assertThat(p.getProperty("max.poll.records")).isEqualTo("100");
  }

  @Test
  void theDedicatedFlagsWinOverClientProperties() {
    Properties p =
        StreamsProperties.of(
            kafka(Map.of("application.id", "other", "processing.guarantee", "at_least_once")));
    assertThat(p.getProperty("application.id")).isEqualTo("flow-exporter");
    assertThat(p.getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
  }

  @Test
  void theRestoreConsumerReadsToTheEndWithoutWaitingLikeTheMainConsumer() {
    StreamsConfig config = new StreamsConfig(StreamsProperties.of(kafka(Map.of())));
    Map<String, Object> main = config.getMainConsumerConfigs("group", "client", 0);
    Map<String, Object> restore = config.getRestoreConsumerConfigs("client");
    assertThat(main.get("fetch.min.bytes")).isEqualTo("65536");
    assertThat(main.get("heartbeat.interval.ms")).isEqualTo("1000");
    assertThat(restore.get("fetch.min.bytes")).isEqualTo("1");
    assertThat(restore.get("fetch.max.wait.ms")).isEqualTo("50");
    assertThat(main.get("fetch.max.wait.ms")).isEqualTo("200");
  }

  @Test
  void theMainConsumerStartsPartitionsWithoutOffsetsAtTheEarliestWhateverTheUserSays() {
    for (String key :
        new String[] {
          "auto.offset.reset", "consumer.auto.offset.reset", "main.consumer.auto.offset.reset"
        }) {
      StreamsConfig config = new StreamsConfig(StreamsProperties.of(kafka(Map.of(key, "latest"))));
      assertThat(config.getMainConsumerConfigs("group", "client", 0).get("auto.offset.reset"))
          .as(key)
          .isEqualTo("earliest");
    }
  }

  @Test
  void aUsersPlainFetchSettingLeavesTheRestoreConsumersAlone() {
    StreamsConfig config =
        new StreamsConfig(StreamsProperties.of(kafka(Map.of("fetch.min.bytes", "1048576"))));
    assertThat(config.getMainConsumerConfigs("group", "client", 0).get("fetch.min.bytes"))
        .isEqualTo("1048576");
    assertThat(config.getRestoreConsumerConfigs("client").get("fetch.min.bytes")).isEqualTo("1");
  }

  @Test
  void kafkasClientsRegisterNoMetricMBeansUnlessTheUserAsksForTheJmxReporter() throws Exception {
    MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    // Each client's app-info MBean is Kafka's own, whatever the reporters: looked for are the
    // metric groups' MBeans.
    StreamsConfig quiet = new StreamsConfig(StreamsProperties.of(kafka(Map.of())));
    try (KafkaConsumer<byte[], byte[]> c = consumer(quiet, "quiet")) {
      assertThat(jmx.queryNames(new ObjectName("kafka.consumer:client-id=quiet,*"), null))
          .isEmpty();
    }
    StreamsConfig withJmx =
        new StreamsConfig(
            StreamsProperties.of(
                kafka(Map.of("metric.reporters", "org.apache.kafka.common.metrics.JmxReporter"))));
    try (KafkaConsumer<byte[], byte[]> c = consumer(withJmx, "with-jmx")) {
      assertThat(jmx.queryNames(new ObjectName("kafka.consumer:client-id=with-jmx,*"), null))
          .contains(new ObjectName("kafka.consumer:type=consumer-metrics,client-id=with-jmx"));
    }
  }

  /** A consumer as Kafka Streams makes its global one; it connects to nothing until it polls. */
  private static KafkaConsumer<byte[], byte[]> consumer(StreamsConfig config, String clientId) {
    Map<String, Object> props = config.getGlobalConsumerConfigs(clientId);
    props.put("client.id", clientId);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
