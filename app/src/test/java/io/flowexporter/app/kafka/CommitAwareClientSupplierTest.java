package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.topology.aggregate.CommittedTotals;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The partitions a main consumer gives up are reported after Kafka Streams' own listener ran (it
 * closes their tasks), also when that listener fails; assignments are not reported.
 */
class CommitAwareClientSupplierTest {

  private static final List<TopicPartition> P1 = List.of(new TopicPartition("deltas", 1));

  private final List<String> calls = new ArrayList<>();
  private final CommitAwareClientSupplier supplier =
      new CommitAwareClientSupplier(new CommittedTotals(), left -> calls.add("left " + left));

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
