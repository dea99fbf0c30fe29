package io.flowexporter.topology.aggregate;

import static io.flowexporter.topology.TestFlows.REPARTITION;
import static io.flowexporter.topology.TestFlows.TOPIC;
import static io.flowexporter.topology.TestFlows.record;
import static io.flowexporter.topology.TestFlows.slotOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.FlowTopology;
import io.flowexporter.topology.TestFlows;
import io.flowexporter.topology.TopologyConfig;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several input partitions, several owner partitions: what TopologyTestDriver (one partition per
 * topic) cannot show on its own.
 *
 * <p>Each input partition is the real topology on its own driver; its first stage's batches are
 * read from the repartition topic the driver captured. Instead of Kafka, the test routes each batch
 * with the partitioner FlowTopology installs ({@link DeltaBatch#partitionOf}) to one of four
 * owners, each a real {@link SeriesOwnerProcessor} over its own {@link SeriesTotalsStore} on a mock
 * context. So it proves the routing and the owners' sums; the transport between them is not Kafka.
 */
class TwoStageRoutingTest {

  private static final int INPUT_PARTITIONS = 3;
  private static final int OWNER_PARTITIONS = 4;
  private static final long NOW = 1_900_000_000_000L;

  @TempDir Path stateDir;

  @Test
  void eachSeriesEndsInExactlyOneOwnerWithItsTotalOverEveryInputPartition() throws Exception {
    // The input: the same label sets in every input partition, so owners must add partitions up.
    Random random = new Random(3);
    Map<SeriesKey, Totals> expected = new HashMap<>();
    List<List<String>> messagesByPartition = new ArrayList<>();
    for (int p = 0; p < INPUT_PARTITIONS; p++) {
      List<String> messages = new ArrayList<>();
      for (int m = 0; m < 60; m++) {
        StringBuilder message = new StringBuilder();
        for (int r = 0; r < 5; r++) {
          long other = 1 + random.nextInt(80);
          String host = "edge" + random.nextInt(2);
          long bytes = 1 + random.nextInt(100_000);
          message.append(r == 0 ? "" : "\n").append(record(host, other, 64500, bytes, 1));
          expected.merge(
              AsFamily.key(Direction.RECEIVE, host, other, 64500),
              new Totals(bytes, 1, 1),
              TestFlows::sum);
        }
        messages.add(message.toString());
      }
      messagesByPartition.add(messages);
    }

    // Stage 1, per input partition: the real topology; keep what it sent to the repartition topic.
    List<KeyValue<byte[], byte[]>> batches = new ArrayList<>();
    for (int p = 0; p < INPUT_PARTITIONS; p++) {
      TopologyConfig config = new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.NEVER, 1);
      try (TopologyTestDriver driver =
          TestFlows.driver(
              FlowTopology.build(
                  config, AsnLookup.EMPTY, new CommittedTotals(), new RecordOutcomes()),
              Files.createDirectory(stateDir.resolve("input-" + p)))) {
        TestInputTopic<String, String> in = TestFlows.input(driver);
        messagesByPartition.get(p).forEach(in::pipeInput);
        batches.addAll(
            driver
                .createOutputTopic(
                    REPARTITION, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readKeyValuesToList());
      }
    }

    // Stage 2: four owners, fed by the partitioner's choice.
    CommittedTotals committed = new CommittedTotals();
    List<SeriesTotalsStore> stores = new ArrayList<>();
    List<SeriesOwnerProcessor> owners = new ArrayList<>();
    for (int o = 0; o < OWNER_PARTITIONS; o++) {
      SeriesTotalsStore store =
          new SeriesTotalsStore(
              Stores.inMemoryKeyValueStore(FlowTopology.STORE).get(),
              committed,
              SeriesTotalsStoreTest.UNBOUNDED);
      owners.add(owner(store, o));
      stores.add(store);
    }
    for (KeyValue<byte[], byte[]> batch : batches) {
      int owner = DeltaBatch.partitionOf(batch.key, OWNER_PARTITIONS);
      assertThat(owner).isEqualTo(slotOf(batch.key) % OWNER_PARTITIONS);
      owners.get(owner).process(new Record<>(batch.key, batch.value, NOW));
    }
    stores.forEach(SeriesTotalsStore::flushCache);
    committed.committed();

    // Every series is in exactly one owner, the one its hash names, with its whole total.
    Map<SeriesKey, Totals> union = new HashMap<>();
    for (int o = 0; o < OWNER_PARTITIONS; o++) {
      Map<SeriesKey, Totals> owned = stores.get(o).readStore();
      assertThat(owned).as("owner %d holds series", o).isNotEmpty();
      for (Map.Entry<SeriesKey, Totals> e : owned.entrySet()) {
        assertThat((e.getKey().hash() & 255) % OWNER_PARTITIONS).isEqualTo(o);
        assertThat(union.put(e.getKey(), e.getValue())).as("%s in two owners", e.getKey()).isNull();
      }
    }
    assertThat(union).isEqualTo(expected);
    assertThat(committed.snapshot()).isEqualTo(expected);
    assertThat(committed.activeStores()).isEqualTo(OWNER_PARTITIONS);
  }

  /** A real owner processor on a mock context: what Kafka Streams would call for one partition. */
  /** The owner processor of owner partition {@code partition}, over {@code store}. */
  static SeriesOwnerProcessor owner(SeriesTotalsStore store, int partition) {
    MockProcessorContext<Void, Void> context =
        new MockProcessorContext<>(new Properties(), new TaskId(1, partition), null);
    context.setCurrentSystemTimeMs(NOW);
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    SeriesOwnerProcessor owner =
        new SeriesOwnerProcessor(store.name(), SeriesTotalsStoreTest.UNBOUNDED);
    owner.init(context);
    return owner;
  }
}
