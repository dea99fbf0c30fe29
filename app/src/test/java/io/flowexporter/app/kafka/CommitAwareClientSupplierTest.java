package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.topology.aggregate.BenchStores;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.SeriesTotalsStore;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The partitions a main consumer gives up are reported after Kafka Streams' own listener ran (it
 * closes their tasks), also when that listener fails; assignments are not reported. Polls are short
 * while stores are rebuilt.
 */
class CommitAwareClientSupplierTest {

  private static final List<TopicPartition> P1 = List.of(new TopicPartition("deltas", 1));

  private final List<String> calls = new ArrayList<>();
  private final AtomicBoolean restoring = new AtomicBoolean();
  private final CommitAwareClientSupplier supplier =
      new CommitAwareClientSupplier(
          new CommittedTotals(), left -> calls.add("left " + left), restoring::get);

  @Test
  void revokedAndLostPartitionsAreReportedAfterKafkaStreamsClosedTheirTasks() {
    ConsumerRebalanceListener listener = supplier.reporting(streams(false));
    listener.onPartitionsAssigned(P1);
    listener.onPartitionsRevoked(P1);
    listener.onPartitionsLost(P1);
    assertThat(calls)
        .containsExactly(
            "streams assigned [deltas-1]",
            "streams revoked [deltas-1]",
            "left [deltas-1]",
            "streams lost [deltas-1]",
            "left [deltas-1]");
  }

  @Test
  void aFailingListenerStillReportsWhatWasGivenUp() {
    ConsumerRebalanceListener listener = supplier.reporting(streams(true));
    assertThatThrownBy(() -> listener.onPartitionsLost(P1))
        .isInstanceOf(IllegalStateException.class);
    assertThat(calls).containsExactly("streams lost [deltas-1]", "left [deltas-1]");
  }

  /**
   * Totals are published after the commit has succeeded, never before: a transaction or offset
   * commit that fails publishes nothing (these clients reach no broker, so each commit fails), and
   * an abort drops what was written. The successful path publishes in every integration test.
   */
  @Test
  void aCommitThatFailsPublishesNothing() {
    CommittedTotals committed = new CommittedTotals();
    CommitAwareClientSupplier clients =
        new CommitAwareClientSupplier(committed, left -> {}, () -> false);
    SeriesTotalsStore store = BenchStores.activeStore(committed);
    SeriesKey key = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    BenchStores.add(store, key, 1000, 2);
    store.flushCache(); // written inside the transaction, not yet committed
    Map<String, Object> config =
        Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-1",
            CommonClientConfigs.GROUP_ID_CONFIG, "test");

    try (Producer<byte[], byte[]> producer = clients.getProducer(config)) {
      // Not initialized: commitTransaction fails, as a fenced or timed-out one would.
      assertThatThrownBy(producer::commitTransaction).isInstanceOf(IllegalStateException.class);
      assertThat(committed.snapshot()).isEmpty();
    }
    try (Consumer<byte[], byte[]> consumer = clients.getConsumer(config)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          Map.of(new TopicPartition("flows", 0), new OffsetAndMetadata(1));
      assertThatThrownBy(() -> consumer.commitSync(offsets, Duration.ofMillis(200)))
          .isInstanceOf(KafkaException.class);
      assertThat(committed.snapshot()).isEmpty();
    }
    try (Producer<byte[], byte[]> producer = clients.getProducer(config)) {
      assertThatThrownBy(producer::abortTransaction).isInstanceOf(IllegalStateException.class);
    }
    // The abort dropped the written totals: a later commit of this thread does not publish them.
    committed.committed();
    assertThat(committed.snapshot()).isEmpty();
  }

  /**
   * While stores are rebuilt, Kafka Streams looks at their progress only between polls: the restore
   * consumer, and a main consumer with partitions paused for restoring tasks, return from a poll
   * within a few milliseconds, not after {@code poll.ms}; otherwise a poll waits as long as asked.
   * (These consumers reach no broker, so a poll returns only at its timeout.)
   */
  @Test
  void pollsWhileRestoringAreShort() {
    Map<String, Object> config =
        Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            "127.0.0.1:9",
            CommonClientConfigs.GROUP_ID_CONFIG,
            "test");
    TopicPartition changelog = new TopicPartition("app-series-totals-changelog", 0);
    try (Consumer<byte[], byte[]> restore = supplier.getRestoreConsumer(config)) {
      restore.assign(List.of(changelog));
      restoring.set(true);
      assertThat(secondsToPoll(restore, Duration.ofSeconds(20))).isLessThan(2);
      restoring.set(false); // standby copies kept up to date
      assertThat(secondsToPoll(restore, Duration.ofMillis(300))).isGreaterThanOrEqualTo(0.2);
    }
    TopicPartition input = new TopicPartition("flows", 0);
    try (Consumer<byte[], byte[]> main = supplier.getConsumer(config)) {
      main.assign(List.of(input));
      main.pause(List.of(input));
      assertThat(secondsToPoll(main, Duration.ofSeconds(20))).isLessThan(2);
      main.resume(List.of(input));
      assertThat(secondsToPoll(main, Duration.ofMillis(300))).isGreaterThanOrEqualTo(0.2);
    }
  }

  private static double secondsToPoll(Consumer<byte[], byte[]> consumer, Duration timeout) {
    long start = System.nanoTime();
    consumer.poll(timeout);
    return (System.nanoTime() - start) / 1e9;
  }

  private ConsumerRebalanceListener streams(boolean fail) {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        calls.add("streams assigned " + partitions);
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        calls.add("streams revoked " + partitions);
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        calls.add("streams lost " + partitions);
        if (fail) {
          throw new IllegalStateException("task closing failed");
        }
      }
    };
  }
}
