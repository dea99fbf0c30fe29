package io.flowexporter.app.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a consumer group starts without {@code --from-beginning}: at the newest record of each
 * partition, but only on the group's first start. The consumer itself always resets to the earliest
 * offset, so that a partition added to the input topic later (which has no committed offset) is
 * read from its first record instead of from whatever arrived after the exporter noticed it; "start
 * at the newest record" is made by committing the end offsets once, before the group first runs.
 */
public final class FirstStartOffsets {

  private static final Logger LOG = LoggerFactory.getLogger(FirstStartOffsets.class);
  private static final long TIMEOUT_S = 20;

  private FirstStartOffsets() {}

  /**
   * Commits the end of every partition of {@code topic} for {@code group} if the group has no
   * committed offset for the topic yet. Another instance that starts at the same moment may have
   * joined first: the group is then not empty, Kafka refuses, and that instance's commit (or its
   * consumers' reset) stands.
   *
   * @return whether this call committed them
   */
  public static boolean commitEndsIfNew(Admin admin, String group, String topic, int partitions)
      throws InterruptedException {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(TIMEOUT_S, TimeUnit.SECONDS);
      if (committed.keySet().stream().anyMatch(tp -> tp.topic().equals(topic))) {
        return false;
      }
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
      admin
          .listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all()
          .get(TIMEOUT_S, TimeUnit.SECONDS)
          .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
      admin.alterConsumerGroupOffsets(group, ends).all().get(TIMEOUT_S, TimeUnit.SECONDS);
      LOG.info(
          "First start of group {}: starting at the newest record of each of the {} partitions of {}"
              + " (--from-beginning reads the whole topic instead)",
          group,
          partitions,
          topic);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      LOG.warn(
          "Could not set where group {} starts ({}); partitions without a committed offset are read"
              + " from their first record",
          group,
          cause.toString());
      return false;
    }
  }
}
