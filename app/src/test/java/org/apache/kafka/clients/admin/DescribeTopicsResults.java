package org.apache.kafka.clients.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.internals.KafkaFutureImpl;

/** {@link DescribeTopicsResult}s for tests: its factory is package-private. */
public final class DescribeTopicsResults {

  private DescribeTopicsResults() {}

  /** A topic of {@code partitions} partitions. */
  public static DescribeTopicsResult of(String topic, int partitions) {
    List<TopicPartitionInfo> infos = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      infos.add(new TopicPartitionInfo(p, null, List.of(), List.of()));
    }
    return DescribeTopicsResult.ofTopicNames(
        Map.of(topic, KafkaFuture.completedFuture(new TopicDescription(topic, false, infos))));
  }

  public static DescribeTopicsResult failed(String topic, Throwable cause) {
    KafkaFutureImpl<TopicDescription> future = new KafkaFutureImpl<>();
    future.completeExceptionally(cause);
    return DescribeTopicsResult.ofTopicNames(Map.of(topic, future));
  }
}
