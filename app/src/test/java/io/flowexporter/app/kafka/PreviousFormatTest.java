package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.FlowTopology;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsResult;
import org.apache.kafka.clients.admin.ListTopicsResults;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class PreviousFormatTest {

  private static final String ID = "flow-exporter";
  private static final String PREVIOUS = ID + "-" + FlowTopology.PREVIOUS_STORE + "-changelog";
  private static final String CURRENT = ID + "-" + FlowTopology.STORE + "-changelog";

  private final KafkaRefusalLog refusals =
      new KafkaRefusalLog(
          KafkaRefusals.of(Map.of(), "kafka1:9092", new TopicAcls("flows", Optional.empty(), ID)));
  private final UntilKafkaAnswers kafka =
      new UntilKafkaAnswers("kafka1:9092", () -> false, refusals, Duration.ofMillis(1));

  /** An admin client whose listTopics answers in turn with these results. */
  private static Admin listing(ListTopicsResult... answers) {
    Deque<ListTopicsResult> queue = new ArrayDeque<>(List.of(answers));
    return (Admin)
        Proxy.newProxyInstance(
            Admin.class.getClassLoader(),
            new Class<?>[] {Admin.class},
            (proxy, method, args) -> {
              if (method.getName().equals("listTopics")) {
                return queue.remove();
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private static ListTopicsResult timedOut() {
    return ListTopicsResults.failed(new TimeoutException("timed out waiting for a node"));
  }

  @Test
  void onlyThePreviousChangelogStopsTheStart() throws Exception {
    assertThat(
            PreviousFormat.check(
                listing(ListTopicsResults.of(Set.of(PREVIOUS))), ID, "flows", kafka))
        .hasValueSatisfying(m -> assertThat(m).contains("format of flow-exporter 0.1", PREVIOUS));
    assertThat(
            PreviousFormat.check(
                listing(ListTopicsResults.of(Set.of(PREVIOUS, CURRENT))), ID, "flows", kafka))
        .isEmpty();
    assertThat(
            PreviousFormat.check(
                listing(ListTopicsResults.of(Set.of("flows"))), ID, "flows", kafka))
        .isEmpty();
  }

  @Test
  void aPassingFailureToListIsTriedAgain() throws Exception {
    Optional<String> found =
        PreviousFormat.check(
            listing(timedOut(), timedOut(), ListTopicsResults.of(Set.of(PREVIOUS))),
            ID,
            "flows",
            kafka);
    assertThat(found).hasValueSatisfying(m -> assertThat(m).contains("0.1"));
  }

  @Test
  void aCheckThatCannotBeMadeYetIsWaitedForRatherThanPassed() throws Exception {
    Optional<String> message =
        PreviousFormat.check(
            listing(
                timedOut(),
                timedOut(),
                timedOut(),
                timedOut(),
                ListTopicsResults.of(Set.of(PREVIOUS))),
            ID,
            "flows",
            kafka);
    assertThat(message).hasValueSatisfying(m -> assertThat(m).contains("0.1"));
  }

  @Test
  void anExporterStoppingMeanwhileTriesNoMore() throws Exception {
    int[] asked = new int[1];
    // Stopping from the second attempt on: the admin client is asked once (a second listTopics
    // would find no answer queued and fail).
    Optional<String> message =
        PreviousFormat.check(
            listing(timedOut()),
            ID,
            "flows",
            new UntilKafkaAnswers(
                "kafka1:9092", () -> asked[0]++ > 0, refusals, Duration.ofMillis(1)));
    assertThat(message).isEmpty();
  }
}
