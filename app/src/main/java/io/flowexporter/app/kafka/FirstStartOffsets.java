package io.flowexporter.app.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a consumer group starts without {@code --from-beginning}: at the newest record of each
 * partition, but only on the application id's first start. The consumer itself always resets to the
 * earliest offset, so that a partition added to the input topic later (which has no committed
 * offset) is read from its first record instead of from whatever arrived after the exporter noticed
 * it; "start at the newest record" is made by committing the end offsets once, before the group
 * first runs.
 *
 * <p>Never guessed: until Kafka has answered, the stream does not start. Started anyway, the
 * consumers would read the whole topic from its first record and count days of traffic as if it
 * were current, and commit that: a new application id would be the only way back.
 */
public final class FirstStartOffsets {

  private static final Logger LOG = LoggerFactory.getLogger(FirstStartOffsets.class);
  private static final long TIMEOUT_S = 20;
  private static final long RETRY_PAUSE_MS = 1000;
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** What the group coordinator answers a commit from outside while the group has members. */
  private static final Set<Class<?>> GROUP_IN_USE =
      Set.of(
          UnknownMemberIdException.class,
          GroupNotEmptyException.class,
          RebalanceInProgressException.class,
          IllegalGenerationException.class,
          FencedMemberEpochException.class);

  private FirstStartOffsets() {}

  /** What {@link #commitEndsIfNew} did. */
  public enum Outcome {
    /** The ends are committed: the group starts at the newest records. */
    COMMITTED,
    /** The group has offsets for the topic already, or members (another instance started it). */
    ALREADY_SET,
    /** Asked to stop before Kafka answered. */
    STOPPED
  }

  /**
   * Commits the end of every partition of {@code topic} for {@code group} if the group has no
   * committed offset for the topic yet. Another instance that starts at the same moment may have
   * joined first: the group is then not empty, Kafka refuses, and the offsets are that instance's
   * to set. A refusal (an ACL) is said by {@code refusals} and waited out; no answer is waited for,
   * with a warning a minute.
   */
  public static Outcome commitEndsIfNew(
      Admin admin,
      String group,
      String topic,
      int partitions,
      BooleanSupplier stopping,
      KafkaRefusalLog refusals)
      throws InterruptedException {
    long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;
    while (!stopping.getAsBoolean()) {
      try {
        if (hasOffsets(admin, group, topic)) {
          return Outcome.ALREADY_SET;
        }
        commitEnds(admin, group, topic, partitions);
        LOG.info(
            "First start of group {}: starting at the newest record of each of the {} partitions"
                + " of {} (--from-beginning reads the whole topic instead)",
            group,
            partitions,
            topic);
        return Outcome.COMMITTED;
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (cause != null && GROUP_IN_USE.contains(cause.getClass())) {
          LOG.info(
              "Group {} has members already (another instance started it): its offsets are theirs"
                  + " to set",
              group);
          return Outcome.ALREADY_SET;
        }
        if (refusals.report(TopicWaiter.namingTheDeniedTopic(cause, topic)).isEmpty()
            && System.nanoTime() - lastWarning >= WARN_EVERY_NANOS) {
          lastWarning = System.nanoTime();
          LOG.warn(
              "Could not yet set where group {} starts on its first start ({}); waiting for Kafka,"
                  + " as starting without would read {} from its first record",
              group,
              cause,
              topic);
        }
        Thread.sleep(RETRY_PAUSE_MS);
      }
    }
    return Outcome.STOPPED;
  }

  /**
   * Whether {@code group} has committed offsets for {@code topic}: on a later start of an
   * application id whose group lost them (the input topic was deleted and created again, or the
   * group stayed empty past the broker's offsets.retention.minutes), the consumers start from the
   * first record, so that nothing written meanwhile is lost; this says so.
   */
  public static void sayWhereALaterStartBegins(Admin admin, String group, String topic)
      throws InterruptedException {
    try {
      if (!hasOffsets(admin, group, topic)) {
        LOG.info(
            "Group {} has no committed offsets for {} although application {} ran before (the"
                + " topic was created again, or the offsets expired): reading it from its first"
                + " record, so that nothing written since is lost",
            group,
            topic,
            group);
      }
    } catch (ExecutionException | TimeoutException e) {
      // Only a notice; the stream's own consumers will find out where they are.
    }
  }

  private static boolean hasOffsets(Admin admin, String group, String topic)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(TIMEOUT_S, TimeUnit.SECONDS);
    return committed.keySet().stream().anyMatch(tp -> tp.topic().equals(topic));
  }

  private static void commitEnds(Admin admin, String group, String topic, int partitions)
      throws ExecutionException, TimeoutException, InterruptedException {
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
  }
}
