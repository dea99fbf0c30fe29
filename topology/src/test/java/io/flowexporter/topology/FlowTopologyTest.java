package io.flowexporter.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.aggregate.SeriesTotalsStore;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.SeriesKey;
import io.flowexporter.topology.flow.InvalidReason;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology on TopologyTestDriver: pmacct JSON in, totals in the store, published on commit. */
class FlowTopologyTest {

  private static final String TOPIC = "pmacct.flows";
  private static final AsnLookup NAMES =
      new AsnLookup() {
        @Override
        public long asnOf(String ip) {
          return "8.8.8.8".equals(ip) ? 15169 : 0;
        }

        @Override
        public String nameOf(long asn) {
          return "";
        }
      };

  @TempDir Path stateDir;

  private final CommittedTotals committed = new CommittedTotals();
  private final RecordOutcomes outcomes = new RecordOutcomes();

  private TopologyTestDriver driver() {
    TopologyConfig config = new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.AUTO, 1);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new TopologyTestDriver(FlowTopology.build(config, NAMES, committed, outcomes), props);
  }

  private static String record(String label, long src, long dst, long bytes, long packets) {
    return "{\"event_type\": \"purge\", \"label\": \"" + label + "\", \"as_src\": " + src + ", \"as_dst\": " + dst
        + ", \"peer_ip_src\": \"10.0.0.1\", \"ip_src\": \"8.8.8.8\", \"ip_dst\": \"192.0.2.1\", \"packets\": "
        + packets + ", \"bytes\": " + bytes + "}";
  }

  @Test
  void sumsPerSeriesIntoTheStoreAndPublishesOnlyAfterTheCommit() {
    try (TopologyTestDriver driver = driver()) {
      // Step 1: pmacct records in, one per message and several in one message.
      TestInputTopic<String, String> in = driver.createInputTopic(TOPIC, new StringSerializer(), new StringSerializer());
      in.pipeInput(record("edge1", 15169, 64500, 1000, 2));
      in.pipeInput(record("edge1", 15169, 64500, 500, 1) + "\n" + record("edge1", 64500, 15169, 70, 1));
      in.pipeInput(record("edge2", 0, 64500, 10, 1));
      in.pipeInput(record("edge1", 13335, 2906, 999, 9));
      in.pipeInput("{\"event_type\": \"purge_close\"}");
      in.pipeInput("garbage");

      // Step 2: the store holds the sums, written when the driver committed.
      SeriesTotalsStore store = (SeriesTotalsStore) driver.getStateStore(FlowTopology.STORE);
      Map<SeriesKey, Totals> expected = Map.of(
          new SeriesKey(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1500, 3),
          new SeriesKey(Direction.TRANSMIT, "edge1", 64500, 15169), new Totals(70, 1),
          new SeriesKey(Direction.RECEIVE, "edge2", 15169, 64500), new Totals(10, 1));
      assertThat(store.readStore()).isEqualTo(expected);

      // Step 3: nothing is visible to scrapes until the transaction is known to be committed.
      assertThat(committed.snapshot()).isEmpty();
      committed.committed();
      assertThat(committed.snapshot()).isEqualTo(expected);

      // Step 4: the outcomes.
      assertThat(outcomes.countedTotal()).isEqualTo(4);
      assertThat(outcomes.unmatchedTotal()).isEqualTo(1);
      assertThat(outcomes.markerTotal()).isEqualTo(1);
      assertThat(outcomes.invalidTotal(InvalidReason.MALFORMED_JSON)).isEqualTo(1);
    }
  }

  @Test
  void anAbortedTransactionIsNeverPublished() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = driver.createInputTopic(TOPIC, new StringSerializer(), new StringSerializer());
      in.pipeInput(record("edge1", 15169, 64500, 1000, 2));
      committed.committed();
      in.pipeInput(record("edge1", 15169, 64500, 1, 1));
      committed.aborted();
      committed.committed();
      assertThat(committed.snapshot()).containsExactly(
          Map.entry(new SeriesKey(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1000, 2)));
    }
  }

  @Test
  void badBytesNeverStopTheStream() {
    try (TopologyTestDriver driver = driver()) {
      var in = driver.createInputTopic(TOPIC, new StringSerializer(), new ByteArraySerializer());
      in.pipeInput("k", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
      in.pipeInput("k", new byte[0]);
      in.pipeInput("k", record("edge1", 15169, 64500, 5, 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      committed.committed();
      assertThat(committed.snapshot()).hasSize(1);
      assertThat(outcomes.invalidTotal()).isEqualTo(2);
    }
  }

  @Test
  void aTotalThatWouldOverflowIsRefusedAndTheStreamGoesOn() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = driver.createInputTopic(TOPIC, new StringSerializer(), new StringSerializer());
      // 2^50 bytes sampled 1 in 4096 = 2^62: one fits in a long, a second on the same series does not.
      String huge = record("edge1", 15169, 64500, 1L << 50, 1).replace("\"packets\"", "\"sampling_rate\": 4096, \"packets\"");
      in.pipeInput(huge);
      committed.committed();
      in.pipeInput(huge);
      in.pipeInput(huge);
      in.pipeInput(record("edge2", 15169, 64500, 7, 1));
      committed.committed();
      assertThat(committed.snapshot()).isEqualTo(Map.of(
          new SeriesKey(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1L << 62, 4096),
          new SeriesKey(Direction.RECEIVE, "edge2", 15169, 64500), new Totals(7, 1)));
      assertThat(outcomes.invalidTotal(InvalidReason.OUT_OF_RANGE)).isEqualTo(2);
    }
  }

  @Test
  void theTopologyHasNoRepartitionTopicAndStableNames() {
    String description = FlowTopology.build(
        new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.NEVER, 1), AsnLookup.EMPTY, committed, outcomes)
        .describe().toString();
    assertThat(description).contains(FlowTopology.SOURCE, FlowTopology.PROCESSOR, FlowTopology.STORE);
    assertThat(description).doesNotContain("repartition");
  }
}
