package org.apache.kafka.clients.admin;

import java.util.Map;
import org.apache.kafka.clients.admin.internals.CoordinatorKey;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.apache.kafka.common.protocol.Errors;

/**
 * A consumer group's offsets, read and altered, for tests: these results' factories are
 * package-private.
 */
public final class GroupOffsetsResults {

  private GroupOffsetsResults() {}

  public static ListConsumerGroupOffsetsResult listed(
      String group, Map<TopicPartition, OffsetAndMetadata> offsets) {
    return new ListConsumerGroupOffsetsResult(
        Map.of(CoordinatorKey.byGroupId(group), KafkaFuture.completedFuture(offsets)));
  }

  public static ListConsumerGroupOffsetsResult listFailed(String group, Throwable cause) {
    return new ListConsumerGroupOffsetsResult(
        Map.of(CoordinatorKey.byGroupId(group), failed(cause)));
  }

  public static AlterConsumerGroupOffsetsResult altered(Map<TopicPartition, ?> offsets) {
    return altered(offsets, Errors.NONE);
  }

  /** Kafka's answer for each partition, as the coordinator gives it. */
  public static AlterConsumerGroupOffsetsResult altered(
      Map<TopicPartition, ?> offsets, Errors error) {
    Map<TopicPartition, Errors> each = new java.util.HashMap<>();
    offsets.keySet().forEach(tp -> each.put(tp, error));
    return new AlterConsumerGroupOffsetsResult(KafkaFuture.completedFuture(each));
  }

  public static AlterConsumerGroupOffsetsResult alterFailed(Throwable cause) {
    return new AlterConsumerGroupOffsetsResult(failed(cause));
  }

  private static <T> KafkaFuture<T> failed(Throwable cause) {
    KafkaFutureImpl<T> future = new KafkaFutureImpl<>();
    future.completeExceptionally(cause);
    return future;
  }
}
