package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.FlowTopology;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupOffsetsResults;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * Where a new group starts: at the newest records once Kafka has said where they are, never at the
 * first record by default because Kafka did not answer in time.
 */
class FirstStartOffsetsTest {

  private static final String GROUP = "flow-exporter";
  private static final String TOPIC = "flows";

  private final KafkaRefusalLog refusals =
      new KafkaRefusalLog(
          KafkaRefusals.of(Map.of(), "kafka1:9092", new TopicAcls(TOPIC, Optional.empty(), GROUP)));

  /** The group's offsets as each listing answers them, in turn; the alterations it received. */
  private final Deque<Object> listings = new ArrayDeque<>();

  private final Deque<Object> alterAnswers = new ArrayDeque<>();
  private final List<Map<TopicPartition, OffsetAndMetadata>> altered = new ArrayList<>();

  /** An input topic of two partitions whose ends are 100 and 200. */
  private Admin admin() {
    return (Admin)
        Proxy.newProxyInstance(
            Admin.class.getClassLoader(),
            new Class<?>[] {Admin.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "listConsumerGroupOffsets":
                  Object answer = listings.remove();
                  return answer instanceof Throwable t
                      ? GroupOffsetsResults.listFailed(GROUP, t)
                      : GroupOffsetsResults.listed(GROUP, cast(answer));
                case "listOffsets":
                  Map<TopicPartition, OffsetSpec> asked = cast(args[0]);
                  Map<TopicPartition, KafkaFuture<ListOffsetsResult.ListOffsetsResultInfo>> ends =
                      new HashMap<>();
                  asked
                      .keySet()
                      .forEach(
                          tp ->
                              ends.put(
                                  tp,
                                  KafkaFuture.completedFuture(
                                      new ListOffsetsResult.ListOffsetsResultInfo(
                                          100L * (tp.partition() + 1), 0, Optional.empty()))));
                  return new ListOffsetsResult(ends);
                case "alterConsumerGroupOffsets":
                  Map<TopicPartition, OffsetAndMetadata> offsets = cast(args[1]);
                  Object result = alterAnswers.isEmpty() ? null : alterAnswers.remove();
                  if (result instanceof Throwable t) {
                    return GroupOffsetsResults.alterFailed(t);
                  }
                  if (result instanceof Errors error) {
                    return GroupOffsetsResults.altered(offsets, error);
                  }
                  altered.add(offsets);
                  return GroupOffsetsResults.altered(offsets);
                default:
                  throw new UnsupportedOperationException(method.getName());
              }
            });
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  private static Map<TopicPartition, OffsetAndMetadata> ends() {
    return Map.of(
        new TopicPartition(TOPIC, 0), new OffsetAndMetadata(100),
        new TopicPartition(TOPIC, 1), new OffsetAndMetadata(200));
  }

  @Test
  void aNewGroupStartsAtTheNewestRecords() throws Exception {
    listings.add(Map.of());
    assertThat(begin(false)).isEqualTo(FirstStartOffsets.Outcome.COMMITTED);
    assertThat(altered).containsExactly(ends());
  }

  @Test
  void aGroupWithOffsetsKeepsThem() throws Exception {
    listings.add(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(7)));
    assertThat(begin(false)).isEqualTo(FirstStartOffsets.Outcome.ALREADY_SET);
    assertThat(altered).isEmpty();
  }

  @Test
  void noAnswerAndARefusalAreWaitedOutNotTakenForAStartAtTheFirstRecord() throws Exception {
    listings.add(new TimeoutException("coordinator loading"));
    listings.add(new GroupAuthorizationException(GROUP));
    listings.add(Map.of());
    assertThat(begin(false)).isEqualTo(FirstStartOffsets.Outcome.COMMITTED);
    assertThat(altered).containsExactly(ends());
    assertThat(refusals.current()).as("the refusal, over once Kafka answered").isEmpty();
  }

  @Test
  void aGroupThatAnotherInstanceJoinedMeanwhileIsTheirsToSet() throws Exception {
    listings.add(Map.of());
    alterAnswers.add(Errors.UNKNOWN_MEMBER_ID); // what the coordinator answers while it has members
    assertThat(begin(false)).isEqualTo(FirstStartOffsets.Outcome.ALREADY_SET);
    assertThat(altered).isEmpty();
  }

  @Test
  void aCommitWithoutAnswerIsTriedAgainNotTakenForAGroupInUse() throws Exception {
    listings.add(Map.of());
    listings.add(Map.of());
    alterAnswers.add(new TimeoutException("no answer"));
    assertThat(begin(false)).isEqualTo(FirstStartOffsets.Outcome.COMMITTED);
    assertThat(altered).containsExactly(ends());
  }

  @Test
  void aLaterStartWhoseGroupLostItsOffsetsReadsFromTheFirstRecord() throws Exception {
    listings.add(Map.of()); // expired, every offset
    assertThat(begin(true)).isEqualTo(FirstStartOffsets.Outcome.FIRST_RECORD);
    // The topic created again: its offsets went with it, the repartition topic's stay.
    listings.add(
        Map.of(new TopicPartition(FlowTopology.deltasTopic(GROUP), 0), new OffsetAndMetadata(9)));
    assertThat(begin(true)).isEqualTo(FirstStartOffsets.Outcome.FIRST_RECORD);
    assertThat(altered).isEmpty();
  }

  @Test
  void aLaterStartOnAnotherInputTopicBeginsAtItsNewestRecords() throws Exception {
    listings.add(
        Map.of(
            // named like the application's own topics, as "pmacct-flows" for id "pmacct"
            new TopicPartition(GROUP + "-flows-before", 0), new OffsetAndMetadata(9),
            new TopicPartition(FlowTopology.deltasTopic(GROUP), 0), new OffsetAndMetadata(9)));
    assertThat(begin(true)).isEqualTo(FirstStartOffsets.Outcome.COMMITTED);
    assertThat(altered).containsExactly(ends());
  }

  @Test
  void fromBeginningCommitsNothing() throws Exception {
    listings.add(Map.of());
    assertThat(FirstStartOffsets.begin(admin(), GROUP, TOPIC, 2, false, true, waiting(() -> false)))
        .isEqualTo(FirstStartOffsets.Outcome.FIRST_RECORD);
    assertThat(altered).isEmpty();
  }

  @Test
  void askedToStopWhileKafkaDoesNotAnswer() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    listings.add(new TimeoutException("no answer"));
    assertThat(
            FirstStartOffsets.begin(
                admin(), GROUP, TOPIC, 2, false, false, waiting(() -> asked.incrementAndGet() > 1)))
        .isEqualTo(FirstStartOffsets.Outcome.STOPPED);
    assertThat(altered).isEmpty();
  }

  /** Where the group begins on a first start ({@code stored} false) or a later one. */
  private FirstStartOffsets.Outcome begin(boolean stored) throws InterruptedException {
    return FirstStartOffsets.begin(admin(), GROUP, TOPIC, 2, stored, false, waiting(() -> false));
  }

  private UntilKafkaAnswers waiting(BooleanSupplier stopping) {
    return new UntilKafkaAnswers("kafka1:9092", stopping, refusals, Duration.ofMillis(1));
  }
}
