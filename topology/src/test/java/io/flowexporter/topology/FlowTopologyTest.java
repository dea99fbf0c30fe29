package io.flowexporter.topology;

import static io.flowexporter.topology.TestFlows.REPARTITION;
import static io.flowexporter.topology.TestFlows.TOPIC;
import static io.flowexporter.topology.TestFlows.decodeBatch;
import static io.flowexporter.topology.TestFlows.input;
import static io.flowexporter.topology.TestFlows.record;
import static io.flowexporter.topology.TestFlows.slotOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.DeltaBatch;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.aggregate.SeriesLimits;
import io.flowexporter.topology.aggregate.SeriesTotalsStore;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.flow.InvalidReason;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.Counter;
import io.flowexporter.topology.series.Label;
import io.flowexporter.topology.series.LabelKind;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
import io.flowexporter.topology.series.SeriesKeyWriter;
import io.flowexporter.topology.series.Unit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology on TopologyTestDriver: pmacct JSON in, deltas through the repartition topic, totals
 * in the owner's store, published on commit.
 *
 * <p>What TopologyTestDriver can and cannot show: it runs both sub-topologies in one task on one
 * partition per topic, and commits after every input message (the first stage's deltas are flushed,
 * captured from the repartition topic, then fed to the second stage, which is flushed in turn). So
 * these tests prove the counting, the batch format on the wire and the owner's sums, not the spread
 * over several partitions; {@code aggregate.TwoStageRoutingTest} covers that part.
 */
class FlowTopologyTest {

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
    return driver(FlowTopology.build(config, NAMES, committed, outcomes));
  }

  private TopologyTestDriver driver(Topology topology) {
    return TestFlows.driver(topology, stateDir);
  }

  @Test
  void sumsPerSeriesIntoTheStoreAndPublishesOnlyAfterTheCommit() {
    try (TopologyTestDriver driver = driver()) {
      // Step 1: pmacct records in, one per message and several in one message.
      TestInputTopic<String, String> in = input(driver);
      in.pipeInput(record("edge1", 15169, 64500, 1000, 2));
      in.pipeInput(
          record("edge1", 15169, 64500, 500, 1) + "\n" + record("edge1", 64500, 15169, 70, 1));
      in.pipeInput(record("edge2", 0, 64500, 10, 1)); // AS 0 looked up from ip_src: 15169
      in.pipeInput(record("edge1", 13335, 2906, 999, 9)); // not ours: unmatched
      in.pipeInput("{\"event_type\": \"purge_close\"}");
      in.pipeInput("garbage");

      // Step 2: the owner's store holds the sums, written when the driver committed.
      SeriesTotalsStore store = (SeriesTotalsStore) driver.getStateStore(FlowTopology.STORE);
      Map<SeriesKey, Totals> expected =
          Map.of(
              AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1500, 3, 2),
              AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 15169), new Totals(70, 1, 1),
              AsFamily.key(Direction.RECEIVE, "edge2", 15169, 64500), new Totals(10, 1, 1));
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
      TestInputTopic<String, String> in = input(driver);
      in.pipeInput(record("edge1", 15169, 64500, 1000, 2));
      committed.committed();
      in.pipeInput(record("edge1", 15169, 64500, 1, 1));
      committed.aborted();
      committed.committed();
      assertThat(committed.snapshot())
          .containsExactly(
              Map.entry(
                  AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1000, 2, 1)));
    }
  }

  @Test
  void badBytesNeverStopTheStream() {
    try (TopologyTestDriver driver = driver()) {
      var in = driver.createInputTopic(TOPIC, new StringSerializer(), new ByteArraySerializer());
      in.pipeInput("k", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
      in.pipeInput("k", new byte[0]);
      in.pipeInput("k", record("edge1", 15169, 64500, 5, 1).getBytes(StandardCharsets.UTF_8));
      committed.committed();
      assertThat(committed.snapshot())
          .containsExactly(
              Map.entry(
                  AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(5, 1, 1)));
      assertThat(outcomes.invalidTotal()).isEqualTo(2);
    }
  }

  @Test
  void aSampledAmountPastTheLongRangeIsRefusedAndTotalsPastItStopAtTheLargestLong() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = input(driver);
      // 2^50 bytes (the parser's largest) sampled 1 in 4096 = 2^62: fits in a long.
      String huge =
          record("edge1", 15169, 64500, 1L << 50, 1)
              .replace("\"packets\"", "\"sampling_rate\": 4096, \"packets\"");
      in.pipeInput(huge);
      committed.committed();
      SeriesKey edge1 = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
      assertThat(committed.snapshot()).containsEntry(edge1, new Totals(1L << 62, 4096, 1));

      // Two more in one message: the first stage's pending sum reaches 2^63 and stops at
      // Long.MAX_VALUE; so does the owner's total. Records are counted, not refused.
      in.pipeInput(huge + "\n" + huge);
      // 2^50 sampled 1 in 2^24 is 2^74: that one record is refused as out of range.
      in.pipeInput(
          record("edge1", 15169, 64500, 1L << 50, 1)
              .replace("\"packets\"", "\"sampling_rate\": 16777216, \"packets\""));
      in.pipeInput(record("edge2", 15169, 64500, 7, 1));
      committed.committed();
      assertThat(committed.snapshot())
          .isEqualTo(
              Map.of(
                  edge1,
                  new Totals(Long.MAX_VALUE, 3 * 4096, 3),
                  AsFamily.key(Direction.RECEIVE, "edge2", 15169, 64500),
                  new Totals(7, 1, 1)));
      assertThat(outcomes.invalidTotal(InvalidReason.OUT_OF_RANGE)).isEqualTo(1);
      assertThat(outcomes.countedTotal()).isEqualTo(4);

      // A saturated counter stays put (monotonic) as traffic goes on.
      in.pipeInput(huge);
      committed.committed();
      assertThat(committed.snapshot().get(edge1))
          .isEqualTo(new Totals(Long.MAX_VALUE, 4 * 4096, 4));
    }
  }

  @Test
  void theTopologyHasTwoStagesThroughOneRepartitionTopicAndStableNames() {
    TopologyDescription description =
        FlowTopology.build(
                new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.NEVER, 1),
                AsnLookup.EMPTY,
                committed,
                outcomes)
            .describe();
    assertThat(description.subtopologies()).hasSize(2);
    Map<String, TopologyDescription.Node> nodes = new HashMap<>();
    description.subtopologies().forEach(s -> s.nodes().forEach(n -> nodes.put(n.name(), n)));
    assertThat(((TopologyDescription.Source) nodes.get(FlowTopology.SOURCE)).topicSet())
        .containsExactly(TOPIC);
    assertThat(((TopologyDescription.Processor) nodes.get(FlowTopology.PROCESSOR)).stores())
        .containsExactly(FlowTopology.PENDING_STORE);
    assertThat(((TopologyDescription.Processor) nodes.get(FlowTopology.OWNER)).stores())
        .containsExactly(FlowTopology.STORE);
    // The internal topic names derive from these; renaming one orphans a deployed changelog.
    assertThat(description.toString())
        .contains(FlowTopology.DELTAS + "-repartition")
        .doesNotContain(FlowTopology.PREVIOUS_STORE);
  }

  /**
   * Several hundred random records, a few per message: every series' total in the owner's store
   * equals the sum of its records, computed here from the input; the batches on the repartition
   * topic, decoded with the documented format (not the production decoder), add up to the same
   * totals, each series in the slot its hash names.
   */
  @Test
  void totalsInTheOwnersStoreEqualTheInputSumsAndTheRepartitionTopicCarriesBatches() {
    Random random = new Random(42);
    Map<SeriesKey, Totals> expected = new HashMap<>();
    List<String> messages = new ArrayList<>();
    for (int m = 0; m < 300; m++) {
      StringBuilder message = new StringBuilder();
      int records = 1 + random.nextInt(4);
      for (int r = 0; r < records; r++) {
        String host = "edge" + random.nextInt(3);
        long other = 1 + random.nextInt(40);
        boolean receive = random.nextBoolean();
        long bytes = 1 + random.nextInt(1_000_000);
        long packets = 1 + random.nextInt(1000);
        message
            .append(r == 0 ? "" : "\n")
            .append(
                receive
                    ? record(host, other, 64500, bytes, packets)
                    : record(host, 64500, other, bytes, packets));
        SeriesKey key =
            receive
                ? AsFamily.key(Direction.RECEIVE, host, other, 64500)
                : AsFamily.key(Direction.TRANSMIT, host, 64500, other);
        expected.merge(key, new Totals(bytes, packets, 1), TestFlows::sum);
      }
      messages.add(message.toString());
    }
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = input(driver);
      messages.forEach(in::pipeInput);

      SeriesTotalsStore store = (SeriesTotalsStore) driver.getStateStore(FlowTopology.STORE);
      assertThat(store.readStore()).isEqualTo(expected);
      committed.committed();
      assertThat(committed.snapshot()).isEqualTo(expected);
      assertThat(outcomes.countedTotal())
          .isEqualTo(expected.values().stream().mapToLong(Totals::flows).sum());

      assertThat(driver.producedTopicNames()).contains(REPARTITION);
      List<KeyValue<byte[], byte[]>> batches =
          driver
              .createOutputTopic(
                  REPARTITION, new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readKeyValuesToList();
      // One commit per message; each sends one batch per owner slot it touched, never one per
      // record; and the first a time mark (the clock stands still here: no other is due).
      List<KeyValue<byte[], byte[]>> marks =
          batches.stream().filter(b -> DeltaBatch.isTimeMark(b.value)).toList();
      assertThat(marks).hasSize(1);
      batches = batches.stream().filter(b -> !DeltaBatch.isTimeMark(b.value)).toList();
      assertThat(batches.size())
          .isGreaterThanOrEqualTo(messages.size())
          .isLessThan(expected.values().stream().mapToInt(t -> (int) t.flows()).sum());
      Map<SeriesKey, Totals> carried = new HashMap<>();
      for (KeyValue<byte[], byte[]> batch : batches) {
        int slot = slotOf(batch.key);
        for (Map.Entry<SeriesKey, Totals> e : decodeBatch(batch.value).entrySet()) {
          assertThat(e.getKey().hash() & 255).as("slot of %s", e.getKey()).isEqualTo(slot);
          carried.merge(e.getKey(), e.getValue(), TestFlows::sum);
        }
      }
      assertThat(carried).isEqualTo(expected);
    }
  }

  /** Several records of one series in one message cross the repartition topic as one entry. */
  @Test
  void recordsOfOneCommitArePreAggregatedBeforeTheRepartitionTopic() {
    try (TopologyTestDriver driver = driver()) {
      Instant read = TestFlows.START.minusSeconds(30);
      input(driver)
          .pipeInput(
              null,
              String.join(
                  "\n",
                  record("edge1", 15169, 64500, 100, 1),
                  record("edge1", 15169, 64500, 20, 2),
                  record("edge1", 15169, 64500, 3, 3)),
              read);
      TestOutputTopic<byte[], byte[]> deltas =
          driver.createOutputTopic(
              REPARTITION, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<TestRecord<byte[], byte[]>> sent = deltas.readRecordsToList();
      List<byte[]> values = sent.stream().map(TestRecord::value).toList();
      assertThat(values).hasSize(2);
      assertThat(DeltaBatch.isTimeMark(values.get(1))).isTrue();
      // Both say which input partition they were counted from, and how far it had read: the
      // owners' clock of expiry.
      for (TestRecord<byte[], byte[]> r : sent) {
        assertThat(r.headers().lastHeader("input-partition").value())
            .isEqualTo(ByteBuffer.allocate(4).putInt(0).array());
        assertThat(ByteBuffer.wrap(r.headers().lastHeader("newest-input-ms").value()).getLong())
            .isEqualTo(read.toEpochMilli());
      }
      assertThat(decodeBatch(values.get(0)))
          .containsExactly(
              Map.entry(
                  AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(123, 6, 3)));
    }
  }

  /**
   * An input partition that counts tells every owner how far it has read at its first commit, then
   * once a time mark interval (half an expiry check), not at every commit: input partitions times
   * owner partitions of marks at each commit would outnumber the records of a wide, quiet topic.
   */
  @Test
  void timeMarksGoOnceATimeMarkInterval() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = input(driver);
      TestOutputTopic<byte[], byte[]> deltas =
          driver.createOutputTopic(
              REPARTITION, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      Duration interval =
          SeriesLimits.of(200_000, 1, TopologyConfig.DEFAULT_SERIES_TTL).timeMarkInterval();
      assertThat(interval).isEqualTo(Duration.ofSeconds(30));
      List<Integer> marks = new ArrayList<>();
      for (int commit = 0; commit < 8; commit++) { // a commit every 10 s
        in.pipeInput(record("edge1", 15169, 64500, 100, 1));
        marks.add((int) deltas.readValuesToList().stream().filter(DeltaBatch::isTimeMark).count());
        driver.advanceWallClockTime(Duration.ofSeconds(10));
      }
      assertThat(marks).containsExactly(1, 0, 0, 1, 0, 0, 1, 0);
    }
  }

  /**
   * A new dimension is a declaration: a family keyed by hostname alone (id 99), declared here and
   * passed to build(), counts next to the AS family through the same stages with no other change,
   * and the AS family's totals are the same as without it.
   */
  @Test
  void aFamilyDeclaredInTheTestCountsAlongsideTheAsFamily() {
    SeriesFamily byHost =
        new SeriesFamily(
            99,
            "host",
            List.of(new Label("hostname", LabelKind.TEXT)),
            List.of(
                new Counter(Direction.RECEIVE, Unit.BYTES, "host_receive_bytes", "test"),
                new Counter(Direction.TRANSMIT, Unit.BYTES, "host_transmit_bytes", "test")),
            (flow, out) -> out.begin().text(flow.record().hostname()).emit());
    TopologyConfig config = new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.NEVER, 1);
    Topology topology =
        FlowTopology.build(
            config,
            1,
            NAMES,
            new SeriesFamilies(List.of(AsFamily.FAMILY, byHost)),
            committed,
            outcomes);
    try (TopologyTestDriver driver = driver(topology)) {
      TestInputTopic<String, String> in = input(driver);
      in.pipeInput(record("edge1", 15169, 64500, 1000, 2));
      in.pipeInput(
          record("edge1", 13335, 64500, 300, 3) + "\n" + record("edge1", 64500, 15169, 70, 1));
      in.pipeInput(record("édge2", 15169, 64500, 10, 1));
      committed.committed();

      Map<SeriesKey, Totals> expected = new HashMap<>();
      expected.put(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1000, 2, 1));
      expected.put(AsFamily.key(Direction.RECEIVE, "edge1", 13335, 64500), new Totals(300, 3, 1));
      expected.put(AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 15169), new Totals(70, 1, 1));
      expected.put(AsFamily.key(Direction.RECEIVE, "édge2", 15169, 64500), new Totals(10, 1, 1));
      expected.put(hostKey(byHost, Direction.RECEIVE, "edge1"), new Totals(1300, 5, 2));
      expected.put(hostKey(byHost, Direction.TRANSMIT, "edge1"), new Totals(70, 1, 1));
      expected.put(hostKey(byHost, Direction.RECEIVE, "édge2"), new Totals(10, 1, 1));
      Map<SeriesKey, Totals> snapshot = committed.snapshot();
      assertThat(snapshot).isEqualTo(expected);
      assertThat(committed.seriesOf(99)).isEqualTo(3);
      assertThat(committed.seriesOf(0)).isEqualTo(4);
      // The family's keys decode by its own declaration.
      assertThat(
              snapshot.keySet().stream()
                  .filter(k -> k.familyId() == 99)
                  .map(k -> k.values(byHost).get(0))
                  .collect(Collectors.toSet()))
          .containsExactlyInAnyOrder("edge1", "édge2");
      // Records are counted once, whatever the number of families.
      assertThat(outcomes.countedTotal()).isEqualTo(4);
    }
  }

  static SeriesKey hostKey(SeriesFamily family, Direction direction, String host) {
    SeriesKey[] made = new SeriesKey[1];
    SeriesKeyWriter w =
        new SeriesKeyWriter((b, len, hash) -> made[0] = SeriesKey.wrap(Arrays.copyOf(b, len)));
    w.use(family, direction);
    w.begin().text(host).emit();
    return made[0];
  }
}
