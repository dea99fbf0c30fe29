package io.flowexporter.topology.document;

import static io.flowexporter.topology.TestFlows.TOPIC;
import static io.flowexporter.topology.TestFlows.input;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.FlowTopology;
import io.flowexporter.topology.TestFlows;
import io.flowexporter.topology.TopologyConfig;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.filter.FlowFilter;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flow documents on TopologyTestDriver: the documents topic and the document log hold exactly the
 * counted records the filter selects, keyed by their event id, and the log is flushed before every
 * commit; the counting is the same as without documents.
 */
class FlowDocumentsTopologyTest {

  private static final String DOCS = "flow-docs";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path stateDir;

  private final CommittedTotals committed = new CommittedTotals();
  private final RecordOutcomes outcomes = new RecordOutcomes();

  /** A log that keeps appended documents and what was flushed. */
  static final class MemoryLog implements DocumentLog {
    final List<String> appended = new ArrayList<>();
    int flushedUpTo;
    int flushes;

    @Override
    public synchronized void append(byte[] document) {
      appended.add(new String(document, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void flush() {
      flushedUpTo = appended.size();
      flushes++;
    }

    @Override
    public void close() {}
  }

  private Topology topology(FlowDocuments documents) {
    TopologyConfig config = new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.NEVER, 1);
    return FlowTopology.build(
        config, 1, AsnLookup.EMPTY, SeriesFamilies.asOnly(), committed, outcomes, documents);
  }

  private static String record(long src, long dst, int portSrc, int portDst, long bytes) {
    return "{\"label\": \"edge1\", \"as_src\": "
        + src
        + ", \"as_dst\": "
        + dst
        + ", \"ip_src\": \"198.51.100.7\", "
        + "\"ip_dst\": \"192.0.2.1\", \"port_src\": "
        + portSrc
        + ", \"port_dst\": "
        + portDst
        + ", \"ip_proto\": \"tcp\", \"packets\": 1, \"bytes\": "
        + bytes
        + "}";
  }

  @Test
  void theTopicAndTheLogHoldExactlyTheSelectedCountedRecords() throws Exception {
    MemoryLog log = new MemoryLog();
    FlowDocuments documents =
        new FlowDocuments(FlowFilter.parse("port=443"), Optional.of(DOCS), Optional.of(log));
    try (TopologyTestDriver driver = TestFlows.driver(topology(documents), stateDir)) {
      TestInputTopic<String, String> in = input(driver);
      in.pipeInput(record(15169, 64500, 443, 50000, 100)); // offset 0 line 0: selected
      in.pipeInput(record(15169, 64500, 80, 50000, 200)); // offset 1: not port 443
      in.pipeInput(
          String.join(
              "\n",
              record(64500, 15169, 50001, 443, 300), // offset 2 line 0: selected
              "",
              "garbage",
              record(13335, 2906, 443, 1, 400), // line 3: not counted (not ours)
              record(64500, 15169, 443, 443, 500))); // line 4: selected, once
      in.pipeInput("{\"event_type\": \"purge_close\"}");

      List<KeyValue<String, String>> docs =
          driver
              .createOutputTopic(DOCS, new StringDeserializer(), new StringDeserializer())
              .readKeyValuesToList();
      assertThat(docs)
          .extracting(kv -> kv.key)
          .containsExactly(TOPIC + ":0:0:0", TOPIC + ":0:2:0", TOPIC + ":0:2:4");
      List<Long> bytes = new ArrayList<>();
      for (KeyValue<String, String> kv : docs) {
        JsonNode d = JSON.readTree(kv.value);
        assertThat(d.path("event").path("id").asText()).isEqualTo(kv.key);
        bytes.add(d.path("network").path("bytes").asLong());
      }
      assertThat(bytes).containsExactly(100L, 300L, 500L);
      assertThat(log.appended)
          .containsExactlyElementsOf(docs.stream().map(kv -> kv.value).toList());
      // The driver commits after each message: everything appended was flushed by then.
      assertThat(log.flushedUpTo).isEqualTo(log.appended.size());
      assertThat(log.flushes).isGreaterThanOrEqualTo(3);

      // The counting is unchanged: the deltas went to the repartition topic, not to the documents.
      committed.committed();
      assertThat(committed.snapshot())
          .isEqualTo(
              Map.of(
                  AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(300, 2, 2),
                  AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 15169), new Totals(800, 2, 2)));
    }
  }

  @Test
  void aLogWithoutTopicAndNoDocumentsWithoutOutputs() {
    MemoryLog log = new MemoryLog();
    try (TopologyTestDriver driver =
        TestFlows.driver(
            topology(new FlowDocuments(FlowFilter.ALL, Optional.empty(), Optional.of(log))),
            stateDir)) {
      input(driver)
          .pipeInput(record(15169, 64500, 1, 2, 10) + "\n" + record(15169, 64500, 1, 2, 20));
      assertThat(log.appended).hasSize(2);
      assertThat(driver.producedTopicNames()).doesNotContain(DOCS);
      committed.committed();
      assertThat(committed.snapshot()).containsValue(new Totals(30, 2, 2));
    }
    assertThat(topology(FlowDocuments.NONE).describe().toString())
        .doesNotContain(FlowTopology.DOCUMENTS);
    assertThat(
            topology(new FlowDocuments(FlowFilter.ALL, Optional.of(DOCS), Optional.empty()))
                .describe()
                .toString())
        .contains("Sink: " + FlowTopology.DOCUMENTS + " (topic: " + DOCS + ")");
  }
}
