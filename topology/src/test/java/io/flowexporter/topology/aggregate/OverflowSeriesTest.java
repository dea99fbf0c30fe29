package io.flowexporter.topology.aggregate;

import static io.flowexporter.topology.TestFlows.CHANGELOG;
import static io.flowexporter.topology.TestFlows.TOPIC;
import static io.flowexporter.topology.TestFlows.grandTotal;
import static io.flowexporter.topology.TestFlows.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.FlowTopology;
import io.flowexporter.topology.TestFlows;
import io.flowexporter.topology.TopologyConfig;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bound: with {@code --max-series 3} on one partition, the first three label sets of the AS
 * family are admitted and every later one counts into the family's overflow series of its
 * direction. Nothing is lost (the series add up to the input) and a restarted owner, restored from
 * the changelog, admits the same label sets.
 *
 * <p>Expected totals come from a model written here (first come, first admitted, per family), fed
 * the same records; TopologyTestDriver commits after each message, so one record per message fixes
 * the order in which the owner sees the label sets.
 */
class OverflowSeriesTest {

  private static final int MAX_SERIES = 3;
  private static final Duration TTL = Duration.ofDays(30);
  private static final SeriesKey OVERFLOW_RECEIVE =
      SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 0);
  private static final SeriesKey OVERFLOW_TRANSMIT =
      SeriesKey.overflow(AsFamily.FAMILY, Direction.TRANSMIT, 0);

  @TempDir Path stateDir;

  private final CommittedTotals committed = new CommittedTotals();

  /** One pmacct record and the AS series its labels name. */
  private record Flow(long src, long dst, long bytes, long packets) {
    SeriesKey key() {
      return src == 64500
          ? AsFamily.key(Direction.TRANSMIT, "edge1", src, dst)
          : AsFamily.key(Direction.RECEIVE, "edge1", src, dst);
    }

    String json() {
      return record("edge1", src, dst, bytes, packets);
    }
  }

  /** The bound as specified: the first MAX_SERIES label sets of the family, in arrival order. */
  private static final class Model {
    final Set<SeriesKey> admitted = new LinkedHashSet<>();
    final Map<SeriesKey, Totals> totals = new HashMap<>();
    long overflowed;

    Model(Set<SeriesKey> alreadyAdmitted) {
      admitted.addAll(alreadyAdmitted);
    }

    void count(Flow f) {
      SeriesKey key = f.key();
      if (!admitted.contains(key) && admitted.size() < MAX_SERIES) {
        admitted.add(key);
      }
      if (!admitted.contains(key)) {
        overflowed++;
        key = SeriesKey.overflow(AsFamily.FAMILY, key.direction(), 0);
      }
      totals.merge(key, new Totals(f.bytes(), f.packets(), 1), TestFlows::sum);
    }
  }

  private static final List<Flow> FIRST =
      List.of(
          new Flow(101, 64500, 1000, 1), // admitted
          new Flow(102, 64500, 2000, 2), // admitted
          new Flow(103, 64500, 3000, 3), // admitted: the bound is reached
          new Flow(104, 64500, 4000, 4), // overflow, receive
          new Flow(105, 64500, 5000, 5), // overflow, receive
          new Flow(
              64500, 106, 600, 6), // overflow, transmit: the bound is per family, not direction
          new Flow(101, 64500, 10, 1), // its own series
          new Flow(104, 64500, 40, 1)); // still overflow

  private TopologyTestDriver driver() {
    TopologyConfig config =
        new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.NEVER, 1, MAX_SERIES, TTL);
    return TestFlows.driver(
        FlowTopology.build(
            config, 1, AsnLookup.EMPTY, SeriesFamilies.asOnly(), committed, new RecordOutcomes()),
        stateDir);
  }

  @Test
  void laterLabelSetsCountIntoTheOverflowSeriesAndNothingIsLost() {
    Model model = new Model(Set.of());
    FIRST.forEach(model::count);
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = TestFlows.input(driver);
      FIRST.forEach(f -> in.pipeInput(f.json()));
      committed.committed();

      Map<SeriesKey, Totals> snapshot = committed.snapshot();
      assertThat(snapshot).isEqualTo(model.totals);
      // Spelled out, so that the model cannot be wrong in the same way as the code:
      assertThat(snapshot)
          .containsOnlyKeys(
              FIRST.get(0).key(),
              FIRST.get(1).key(),
              FIRST.get(2).key(),
              OVERFLOW_RECEIVE,
              OVERFLOW_TRANSMIT);
      assertThat(snapshot.get(OVERFLOW_RECEIVE)).isEqualTo(new Totals(9040, 10, 3));
      assertThat(snapshot.get(OVERFLOW_TRANSMIT)).isEqualTo(new Totals(600, 6, 1));
      assertThat(snapshot.get(FIRST.get(0).key())).isEqualTo(new Totals(1010, 2, 2));
      // Exact: every record is in some series.
      assertThat(grandTotal(snapshot)).isEqualTo(new Totals(15650, 23, FIRST.size()));
      // One per delta of a label set not admitted.
      assertThat(committed.overflowedTotal(AsFamily.FAMILY.id()))
          .isEqualTo(4)
          .isEqualTo(model.overflowed);
      assertThat(committed.seriesOf(AsFamily.FAMILY.id())).isEqualTo(MAX_SERIES + 2);
      // What the owner wrote (and would restore) is the same.
      SeriesTotalsStore store = (SeriesTotalsStore) driver.getStateStore(FlowTopology.STORE);
      assertThat(store.readStore()).isEqualTo(model.totals);

      // More traffic: the overflow counter grows, totals stay exact.
      in.pipeInput(new Flow(107, 64500, 7, 7).json());
      committed.committed();
      assertThat(committed.overflowedTotal(AsFamily.FAMILY.id())).isEqualTo(5);
      assertThat(committed.snapshot().get(OVERFLOW_RECEIVE)).isEqualTo(new Totals(9047, 17, 4));
      assertThat(grandTotal(committed.snapshot()))
          .isEqualTo(new Totals(15657, 30, FIRST.size() + 1));
    }
  }

  /**
   * {@code flow_exporter_series_overflow_total} counts what was committed: deltas dropped with an
   * uncommitted interval (a recycled task, an aborted transaction whose batches come again) are not
   * counted, nor counted twice when processed again.
   */
  @Test
  void theOverflowCounterCountsCommittedDeltasOnly() {
    KeyValueStore<Bytes, byte[]> memory = Stores.inMemoryKeyValueStore(FlowTopology.STORE).get();
    SeriesTotalsStore owner =
        new SeriesTotalsStore(memory, committed, new SeriesLimits(MAX_SERIES, TTL));
    owner.activate();
    long t = 1_900_000_000_000L;
    for (int i = 0; i < MAX_SERIES; i++) {
      SeriesTotalsStoreTest.add(owner, FIRST.get(i).key(), 1, 1, 1, t);
    }
    Flow notAdmitted = new Flow(199, 64500, 10, 1);
    SeriesTotalsStoreTest.add(owner, notAdmitted.key(), 10, 1, 1, t);
    assertThat(committed.overflowedTotal(AsFamily.FAMILY.id())).as("not yet committed").isZero();
    owner.clearCache(); // the interval is dropped: its batches will come again
    SeriesTotalsStoreTest.add(owner, notAdmitted.key(), 10, 1, 1, t);
    owner.flushCache();
    assertThat(committed.overflowedTotal(AsFamily.FAMILY.id()))
        .as("written, not committed")
        .isZero();
    committed.committed();
    assertThat(committed.overflowedTotal(AsFamily.FAMILY.id())).isEqualTo(1);
    assertThat(committed.snapshot().get(OVERFLOW_RECEIVE)).isEqualTo(new Totals(10, 1, 1));
  }

  /**
   * A restart: the changelog the driver captured is replayed into a fresh inner store, as Kafka
   * Streams restores a new owner; that owner publishes the same totals and, fed label sets admitted
   * and not admitted before plus a new one, makes the same choices.
   */
  @Test
  void anOwnerRestoredFromTheChangelogAdmitsTheSameLabelSets() {
    Model model = new Model(Set.of());
    FIRST.forEach(model::count);
    KeyValueStore<Bytes, byte[]> restored = Stores.inMemoryKeyValueStore(FlowTopology.STORE).get();
    Map<SeriesKey, Totals> before;
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = TestFlows.input(driver);
      FIRST.forEach(f -> in.pipeInput(f.json()));
      committed.committed();
      before = committed.snapshot();
      List<KeyValue<byte[], byte[]>> changelog =
          driver
              .createOutputTopic(
                  CHANGELOG, new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readKeyValuesToList();
      assertThat(changelog).isNotEmpty();
      for (KeyValue<byte[], byte[]> entry : changelog) {
        if (entry.value == null) {
          restored.delete(Bytes.wrap(entry.key));
        } else {
          restored.put(Bytes.wrap(entry.key), entry.value);
        }
      }
    }

    CommittedTotals afterRestart = new CommittedTotals();
    SeriesTotalsStore owner =
        new SeriesTotalsStore(restored, afterRestart, new SeriesLimits(MAX_SERIES, TTL));
    owner.activate();
    assertThat(afterRestart.snapshot()).isEqualTo(before).isEqualTo(model.totals);

    // Admitted before (102), not admitted before (105), never seen (108).
    List<Flow> after =
        List.of(
            new Flow(102, 64500, 20, 1), new Flow(105, 64500, 50, 1), new Flow(108, 64500, 80, 1));
    Model continued = new Model(model.admitted);
    continued.totals.putAll(model.totals);
    for (Flow f : after) {
      continued.count(f);
      SeriesTotalsStoreTest.add(owner, f.key(), f.bytes(), f.packets(), 1, 1_900_000_000_000L);
    }
    owner.flushCache();
    afterRestart.committed();
    Map<SeriesKey, Totals> snapshot = afterRestart.snapshot();
    assertThat(snapshot).isEqualTo(continued.totals);
    assertThat(snapshot.get(after.get(0).key())).isEqualTo(new Totals(2020, 3, 2));
    assertThat(snapshot).doesNotContainKeys(after.get(1).key(), after.get(2).key());
    assertThat(snapshot.get(OVERFLOW_RECEIVE)).isEqualTo(new Totals(9170, 12, 5));
    assertThat(afterRestart.overflowedTotal(AsFamily.FAMILY.id()))
        .as("counted since this start")
        .isEqualTo(2);
  }

  /**
   * The same, within one driver: the owner's store re-activated from what its inner store holds.
   */
  @Test
  void aReActivatedStoreAdmitsTheSameLabelSets() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = TestFlows.input(driver);
      FIRST.forEach(f -> in.pipeInput(f.json()));
      committed.committed();
      Map<SeriesKey, Totals> before = committed.snapshot();

      SeriesTotalsStore store = (SeriesTotalsStore) driver.getStateStore(FlowTopology.STORE);
      store.activate();
      assertThat(committed.snapshot()).isEqualTo(before);
      assertThat(committed.seriesOf(AsFamily.FAMILY.id())).isEqualTo(MAX_SERIES + 2);

      in.pipeInput(new Flow(103, 64500, 1, 1).json());
      in.pipeInput(new Flow(104, 64500, 1, 1).json());
      in.pipeInput(new Flow(109, 64500, 1, 1).json());
      committed.committed();
      Map<SeriesKey, Totals> after = committed.snapshot();
      assertThat(after.keySet()).isEqualTo(before.keySet());
      assertThat(after.get(FIRST.get(2).key())).isEqualTo(new Totals(3001, 4, 2));
      assertThat(after.get(OVERFLOW_RECEIVE)).isEqualTo(new Totals(9042, 12, 5));
    }
  }
}
