package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.kafka.CommitAwareClientSupplier;
import io.flowexporter.topology.aggregate.BenchStores;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.SeriesTotalsStore;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The last step of a commit, on a real broker: totals written inside a transaction (or before an
 * offset commit, under at-least-once) are published to {@code /metrics} when the commit has
 * succeeded, not before. (The failure path is {@code CommitAwareClientSupplierTest}'s; that Kafka
 * Streams commits through these clients, every integration test shows: no total reaches {@code
 * /metrics} otherwise.)
 */
class CommitPublishIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  private static final SeriesKey KEY = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);

  @Test
  void aTransactionsTotalsArePublishedOnceItCommitted() throws Exception {
    Topics.create(broker.bootstrapServers(), "deltas-tx", 1);
    CommittedTotals committed = new CommittedTotals();
    CommitAwareClientSupplier clients =
        new CommitAwareClientSupplier(committed, left -> {}, () -> false);
    SeriesTotalsStore store = BenchStores.activeStore(committed);
    try (Producer<byte[], byte[]> producer =
        clients.getProducer(
            Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "it-commit-publish"))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("deltas-tx", new byte[] {1})).get();
      BenchStores.add(store, KEY, 1000, 2);
      store.flushCache(); // the changelog's part of the transaction
      assertThat(committed.snapshot()).as("published before the commit").isEmpty();
      producer.commitTransaction();
      assertThat(committed.snapshot()).containsOnlyKeys(KEY);
      assertThat(committed.snapshot().get(KEY)).extracting(Totals::bytes).isEqualTo(1000L);
    }
  }

  @Test
  void anOffsetCommitsTotalsArePublishedOnceItCommitted() throws Exception {
    Topics.create(broker.bootstrapServers(), "flows-alo", 1);
    CommittedTotals committed = new CommittedTotals();
    CommitAwareClientSupplier clients =
        new CommitAwareClientSupplier(committed, left -> {}, () -> false);
    SeriesTotalsStore store = BenchStores.activeStore(committed);
    try (Consumer<byte[], byte[]> consumer =
        clients.getConsumer(
            Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                CommonClientConfigs.GROUP_ID_CONFIG,
                "it-commit-publish"))) {
      BenchStores.add(store, KEY, 700, 1);
      store.flushCache();
      assertThat(committed.snapshot()).as("published before the commit").isEmpty();
      consumer.commitSync(
          Map.of(new TopicPartition("flows-alo", 0), new OffsetAndMetadata(0)),
          Duration.ofSeconds(30));
      assertThat(committed.snapshot()).containsOnlyKeys(KEY);
      assertThat(committed.snapshot().get(KEY)).extracting(Totals::bytes).isEqualTo(700L);
    }
  }
}
