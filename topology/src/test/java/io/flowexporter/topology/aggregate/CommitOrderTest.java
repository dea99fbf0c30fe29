package io.flowexporter.topology.aggregate;

import static io.flowexporter.topology.TestFlows.CHANGELOG;
import static io.flowexporter.topology.TestFlows.REPARTITION;
import static io.flowexporter.topology.TestFlows.TOPIC;
import static io.flowexporter.topology.TestFlows.decodeBatch;
import static io.flowexporter.topology.TestFlows.record;
import static io.flowexporter.topology.TestFlows.slotOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.FlowTopology;
import io.flowexporter.topology.TestFlows;
import io.flowexporter.topology.TopologyConfig;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal Kafka Streams contract the aggregate relies on (see CommitTimeForwarder,
 * PendingDeltasStore and SeriesTotalsStore): a task's commit first calls {@code flushCache()} on
 * its stores; the first stage forwards its pending deltas from there, so they are sent with (and
 * under exactly-once, inside the transaction of) the offsets of the records they count; the owner's
 * totals are written then too, and published only once the app says the commit succeeded.
 *
 * <p>These run on TopologyTestDriver, whose loop per input message is the stream thread's: process,
 * {@code StreamTask.prepareCommit} (which flushes the stores), commit, postCommit. What they cannot
 * show is the broker-side order of a real transaction; the kill -9 integration tests in app/ cover
 * that. Should a Kafka upgrade stop calling flushCache() before the commit, or stop accepting a
 * forward from there, these fail.
 */
class CommitOrderTest {

  @TempDir Path stateDir;

  private final CommittedTotals committed = new CommittedTotals();
  private final RecordOutcomes outcomes = new RecordOutcomes();

  @Test
  void oneRecordsDeltasReachTheOwnerDuringTheCommitAndArePublishedOnlyAfterCommitted() {
    TopologyConfig config = new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.NEVER, 1);
    try (TopologyTestDriver driver =
        TestFlows.driver(
            FlowTopology.build(config, AsnLookup.EMPTY, committed, outcomes), stateDir)) {
      TestFlows.input(driver).pipeInput(record("edge1", 15169, 64500, 1000, 2));

      SeriesKey key = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
      // The first stage holds nothing any more: its deltas left when the driver committed...
      PendingDeltasStore pending =
          (PendingDeltasStore) driver.getStateStore(FlowTopology.PENDING_STORE);
      assertThat(pending.pending().isEmpty()).isTrue();
      // ...as one batch on the repartition topic, in the slot of the series' hash...
      var sent =
          driver
              .createOutputTopic(
                  REPARTITION, new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readKeyValuesToList();
      // (then a time mark, a batch of no entries, with how far the input partition has read)
      assertThat(sent).hasSize(2);
      assertThat(DeltaBatch.isTimeMark(sent.get(1).value)).isTrue();
      assertThat(slotOf(sent.get(0).key)).isEqualTo(key.hash() & 255);
      assertThat(decodeBatch(sent.get(0).value))
          .containsExactly(Map.entry(key, new Totals(1000, 2, 1)));
      // ...which the owner added and wrote to its store when the driver committed again.
      SeriesTotalsStore store = (SeriesTotalsStore) driver.getStateStore(FlowTopology.STORE);
      assertThat(store.readStore()).containsExactly(Map.entry(key, new Totals(1000, 2, 1)));
      // The write went to the store's changelog with that commit, so a new owner restores it.
      TestOutputTopic<byte[], byte[]> changelog =
          driver.createOutputTopic(
              CHANGELOG, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      assertThat(logged(changelog)).containsExactly(Map.entry(key, new Totals(1000, 2, 1)));

      // Written is not published: scrapes see nothing until the app reports the commit.
      assertThat(committed.snapshot()).isEmpty();
      assertThat(store.publishedSeries()).isZero();
      committed.committed();
      assertThat(committed.snapshot()).containsExactly(Map.entry(key, new Totals(1000, 2, 1)));

      // And again for a second record: the published total moves only on committed().
      TestFlows.input(driver).pipeInput(record("edge1", 15169, 64500, 1, 1));
      assertThat(store.readStore()).containsExactly(Map.entry(key, new Totals(1001, 3, 2)));
      assertThat(logged(changelog)).containsExactly(Map.entry(key, new Totals(1001, 3, 2)));
      assertThat(committed.snapshot()).containsExactly(Map.entry(key, new Totals(1000, 2, 1)));
      committed.committed();
      assertThat(committed.snapshot()).containsExactly(Map.entry(key, new Totals(1001, 3, 2)));
    }
  }

  /** The series' totals in the changelog records written since the last read, the last of each. */
  private static Map<SeriesKey, Totals> logged(TestOutputTopic<byte[], byte[]> changelog) {
    Map<SeriesKey, Totals> logged = new HashMap<>();
    for (KeyValue<byte[], byte[]> bucket : changelog.readKeyValuesToList()) {
      if (bucket.value != null) {
        SeriesBuckets.decode(
            bucket.key,
            bucket.value,
            (key, bytes, packets, flows, lastSeen) ->
                logged.put(key, new Totals(bytes, packets, flows)));
      }
    }
    return logged;
  }

  /** What a downstream node of the first stage saw: the batch and where it was called from. */
  private record Received(
      byte[] key, byte[] value, RecordMetadata metadata, List<String> callers) {}

  /**
   * The first stage alone, its output to a spy instead of the repartition topic: the spy records
   * the call stack of each batch it receives. The batch must come from {@code
   * PendingDeltasStore.flushCache}, called by {@code StreamTask.prepareCommit}, not from the
   * processor's {@code process()}; three records of one series in one message arrive as one entry.
   */
  @Test
  void theFirstStageForwardsFromItsStoresFlushCacheInsidePrepareCommit() {
    List<Received> received = new ArrayList<>();
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(new PendingDeltasStore.Builder("pending"));
    builder.stream(TOPIC, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .process(() -> FirstStages.asOnly("pending", outcomes), Named.as("count"), "pending")
        .process(
            () ->
                new Processor<byte[], byte[], Void, Void>() {
                  private ProcessorContext<Void, Void> context;

                  @Override
                  public void init(ProcessorContext<Void, Void> context) {
                    this.context = context;
                  }

                  @Override
                  public void process(Record<byte[], byte[]> r) {
                    List<String> callers =
                        Arrays.stream(new Throwable().getStackTrace())
                            .map(f -> f.getClassName() + "." + f.getMethodName())
                            .toList();
                    received.add(
                        new Received(
                            r.key(), r.value(), context.recordMetadata().orElseThrow(), callers));
                  }
                },
            Named.as("spy"));

    try (TopologyTestDriver driver = TestFlows.driver(builder.build(), stateDir)) {
      TestFlows.input(driver)
          .pipeInput(
              String.join(
                  "\n",
                  record("edge1", 15169, 64500, 100, 1),
                  record("edge1", 15169, 64500, 20, 2),
                  record("edge1", 15169, 64500, 3, 3)));
    }

    // The batch, then the time mark for every owner partition.
    assertThat(received).hasSize(2);
    assertThat(DeltaBatch.isTimeMark(received.get(1).value())).isTrue();
    Received batch = received.get(0);
    assertThat(batch.callers())
        .contains(
            PendingDeltasStore.class.getName() + ".flushCache",
            "org.apache.kafka.streams.processor.internals.StreamTask.prepareCommit")
        .doesNotContain(
            FlowCountingProcessor.class.getName() + ".process",
            "org.apache.kafka.streams.processor.internals.StreamTask.process");
    // CommitTimeForwarder gives the forward a record context of the input partition, no offset.
    assertThat(batch.metadata().topic()).isEqualTo(TOPIC);
    assertThat(batch.metadata().partition()).isZero();
    assertThat(batch.metadata().offset()).isEqualTo(-1);
    SeriesKey key = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    assertThat(slotOf(batch.key())).isEqualTo(key.hash() & 255);
    assertThat(decodeBatch(batch.value())).containsExactly(Map.entry(key, new Totals(123, 6, 3)));
  }

  /**
   * The store on its own, wired as FlowCountingProcessor.init wires it: flushCache() runs the
   * forwarding only when something is pending, once; clearCache() (a task recycled) drops the
   * pending sums so that nothing of them is forwarded.
   */
  @Test
  void flushCacheIsWhatSendsThePendingSumsAndClearCacheDropsThem() {
    PendingDeltasStore store = new PendingDeltasStore.Builder("pending").build();
    List<Map<SeriesKey, Totals>> forwarded = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    store.onFlush(
        () ->
            store
                .pending()
                .drain(
                    (slot, value) -> {
                      slots.add(slot);
                      forwarded.add(decodeBatch(value));
                    }));
    SeriesKey key = AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 15169);

    store.flushCache();
    assertThat(forwarded).as("nothing pending, nothing sent").isEmpty();

    count(store, key, 700, 7);
    count(store, key, 70, 1);
    assertThat(forwarded).as("counting alone sends nothing").isEmpty();
    store.flushCache();
    assertThat(forwarded).containsExactly(Map.of(key, new Totals(770, 8, 2)));
    assertThat(slots).containsExactly(key.hash() & 255);
    assertThat(store.pending().isEmpty()).isTrue();
    store.flushCache();
    assertThat(forwarded).as("sent once").hasSize(1);

    count(store, key, 5, 5);
    store.clearCache();
    store.flushCache();
    assertThat(forwarded).as("dropped with the task's uncommitted work").hasSize(1);
  }

  private static void count(PendingDeltasStore store, SeriesKey key, long bytes, long packets) {
    store.pending().amounts(bytes, packets, 1);
    byte[] buffer = Arrays.copyOf(key.bytes(), key.bytes().length + 5); // a reused, larger buffer
    store.pending().accept(buffer, key.bytes().length, key.hash());
  }

  /**
   * Forwarding outside process() needs Kafka Streams' own context; a mock one is refused at init.
   */
  @Test
  void theFirstStageRefusesAContextThatCannotForwardAtCommitTime() {
    MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    context.addStateStore(new PendingDeltasStore.Builder("pending").build());
    FlowCountingProcessor processor = FirstStages.asOnly("pending", outcomes);
    assertThatThrownBy(() -> processor.init(context))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Kafka Streams' own processor context");
  }
}
