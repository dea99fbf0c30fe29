package io.flowexporter.app.kafka;

import io.flowexporter.topology.FlowTopology;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * partition, but only on the application id's first start or on its first start with another {@code
 * --topic}. The consumer itself always resets to the earliest offset, so that a partition added to
 * the input topic later (which has no committed offset) is read from its first record instead of
 * from whatever arrived after the exporter noticed it; "start at the newest record" is made by
 * committing the end offsets once, before the group first runs.
 *
 * <p>Never guessed: until Kafka has answered, the stream does not start. Started anyway, the
 * consumers would read the whole topic from its first record and count days of traffic as if it
 * were current, and commit that: a new application id would be the only way back.
 */
public final class FirstStartOffsets {

  private static final Logger LOG = LoggerFactory.getLogger(FirstStartOffsets.class);
  private static final long TIMEOUT_S = 20;

  /** What the group coordinator answers a commit from outside while the group has members. */
  private static final Set<Class<?>> GROUP_IN_USE =
      Set.of(
          UnknownMemberIdException.class,
          GroupNotEmptyException.class,
          RebalanceInProgressException.class,
          IllegalGenerationException.class,
          FencedMemberEpochException.class);

  private FirstStartOffsets() {}

  /** Where the group begins. */
  public enum Outcome {
    /** The ends are committed: the group starts at the newest records. */
    COMMITTED,
    /** The group has offsets for the topic already, or members (another instance started it). */
    ALREADY_SET,
    /** From the first record: {@code --from-beginning}, or offsets lost on a later start. */
    FIRST_RECORD,
    /** Asked to stop before Kafka answered. */
    STOPPED
  }

  /**
   * Sets where {@code group} begins reading {@code topic} when it has no committed offset for it:
   *
   * <ul>
   *   <li>on the application id's first start ({@code stored} false), and when the group read
   *       another input topic before ({@code --topic} changed), at the newest records, committing
   *       the end of each partition, unless {@code fromBeginning};
   *   <li>on a later start whose group lost every offset for its input (the topic was deleted and
   *       created again, or the offsets expired while every instance was down), at the first
   *       record: what pmacct wrote meanwhile is counted, not skipped.
   * </ul>
   *
   * Another instance that starts at the same moment may have joined first: the group is then not
   * empty, Kafka refuses the commit, and the offsets are that instance's to set. Kafka is asked
   * until it answers.
   *
   * @param stored whether the application id ran before (its internal topics exist)
   */
  public static Outcome begin(
      Admin admin,
      String group,
      String topic,
      int partitions,
      boolean stored,
      boolean fromBeginning,
      UntilKafkaAnswers kafka)
      throws InterruptedException {
    return kafka
        .ask(
            LOG,
            topic,
            "where group "
                + group
                + " begins reading "
                + topic
                + " (starting without would read it from its first record)",
            () -> {
              try {
                return begin(admin, group, topic, partitions, stored, fromBeginning);
              } catch (ExecutionException e) {
                if (e.getCause() != null && GROUP_IN_USE.contains(e.getCause().getClass())) {
                  LOG.info(
                      "Group {} has members already (another instance started it): its offsets"
                          + " are theirs to set",
                      group);
                  return Outcome.ALREADY_SET;
                }
                throw e;
              }
            })
        .orElse(Outcome.STOPPED);
  }

  private static Outcome begin(
      Admin admin,
      String group,
      String topic,
      int partitions,
      boolean stored,
      boolean fromBeginning)
      throws ExecutionException, TimeoutException, InterruptedException {
    Set<String> read = topicsWithOffsets(admin, group);
    if (read.contains(topic)) {
      return Outcome.ALREADY_SET;
    }
    // The application's own repartition topic aside (the only internal topic it commits offsets
    // for): the input topics the group read before. By exact name: an input topic may well start
    // with the application id ("pmacct-flows" for id "pmacct").
    String deltas = FlowTopology.deltasTopic(group);
    List<String> inputsBefore = read.stream().filter(t -> !t.equals(deltas)).sorted().toList();
    if (stored && inputsBefore.isEmpty()) {
      LOG.info(
          "Group {} has no committed offsets for {} although application {} ran before (the"
              + " topic was created again, or the offsets expired): reading it from its first"
              + " record, so that nothing written since is lost",
          group,
          topic,
          group);
      return Outcome.FIRST_RECORD;
    }
    if (fromBeginning) {
      return Outcome.FIRST_RECORD;
    }
    commitEnds(admin, group, topic, partitions);
    if (inputsBefore.isEmpty()) {
      LOG.info(
          "First start of group {}: starting at the newest record of each of the {} partitions"
              + " of {} (--from-beginning reads the whole topic instead)",
          group,
          partitions,
          topic);
    } else {
      LOG.info(
          "Group {} read {} before, not {}: the input topic changed; starting at the newest record"
              + " of each of its {} partitions (--from-beginning reads the whole topic instead)",
          group,
          inputsBefore,
          topic,
          partitions);
    }
    return Outcome.COMMITTED;
  }

  private static Set<String> topicsWithOffsets(Admin admin, String group)
      throws ExecutionException, TimeoutException, InterruptedException {
    Set<String> topics = new java.util.HashSet<>();
    admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(TIMEOUT_S, TimeUnit.SECONDS)
        .forEach(
            (tp, offset) -> {
              if (offset != null) {
                topics.add(tp.topic());
              }
            });
    return topics;
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
