package org.apache.kafka.clients.admin;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.internals.KafkaFutureImpl;

/** {@link ListTopicsResult}s for tests: its constructor is package-private. */
public final class ListTopicsResults {

  private ListTopicsResults() {}

  public static ListTopicsResult of(Set<String> names) {
    Map<String, TopicListing> listings =
        names.stream().collect(Collectors.toMap(n -> n, n -> new TopicListing(n, null, false)));
    return new ListTopicsResult(KafkaFuture.completedFuture(listings));
  }

  public static ListTopicsResult failed(Throwable cause) {
    KafkaFutureImpl<Map<String, TopicListing>> future = new KafkaFutureImpl<>();
    future.completeExceptionally(cause);
    return new ListTopicsResult(future);
  }
}
