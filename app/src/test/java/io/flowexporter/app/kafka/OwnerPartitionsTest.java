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
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsResults;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class OwnerPartitionsTest {

  private static final String ID = "flow-exporter";
  private static final String DELTAS = FlowTopology.deltasTopic(ID);
  private static final String CHANGELOG = ID + "-" + FlowTopology.STORE + "-changelog";

  private final KafkaRefusalLog refusals =
      new KafkaRefusalLog(
          KafkaRefusals.of(Map.of(), "kafka1:9092", new TopicAcls("flows", Optional.empty(), ID)));

  private final UntilKafkaAnswers kafka =
      new UntilKafkaAnswers("kafka1:9092", () -> false, refusals, Duration.ofMillis(1));

  /** An admin client whose describeTopics answers in turn with these results. */
  private static Admin describing(DescribeTopicsResult... answers) {
    Deque<DescribeTopicsResult> queue = new ArrayDeque<>(List.of(answers));
    return (Admin)
        Proxy.newProxyInstance(
            Admin.class.getClassLoader(),
            new Class<?>[] {Admin.class},
            (proxy, method, args) -> {
              if (method.getName().equals("describeTopics")) {
                return queue.remove();
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  @Test
  void theRepartitionTopicKeepsItsCountAfterTheInputGrew() throws Exception {
    assertThat(OwnerPartitions.of(describing(DescribeTopicsResults.of(DELTAS, 6)), ID, 12, kafka))
        .isEqualTo(new OwnerPartitions.Owners(6, true));
  }

  @Test
  void aFirstStartTakesTheInputsCount() throws Exception {
    assertThat(
            OwnerPartitions.of(
                describing(
                    DescribeTopicsResults.failed(
                        DELTAS, new UnknownTopicOrPartitionException("no")),
                    DescribeTopicsResults.failed(
                        CHANGELOG, new UnknownTopicOrPartitionException("no"))),
                ID,
                12,
                kafka))
        .isEqualTo(new OwnerPartitions.Owners(12, false));
  }

  @Test
  void withoutTheRepartitionTopicTheStoredTotalsKeepTheirCount() throws Exception {
    assertThat(
            OwnerPartitions.of(
                describing(
                    DescribeTopicsResults.failed(
                        DELTAS, new UnknownTopicOrPartitionException("no")),
                    DescribeTopicsResults.of(CHANGELOG, 6)),
                ID,
                12,
                kafka))
        .isEqualTo(new OwnerPartitions.Owners(6, true));
  }

  @Test
  void aRefusalIsSaidAndWaitedOutNotCountedAsAFailure() throws Exception {
    TopicAuthorizationException denied = new TopicAuthorizationException("denied", Set.of());
    Admin admin =
        describing(
            DescribeTopicsResults.failed(DELTAS, denied),
            DescribeTopicsResults.failed(DELTAS, denied),
            DescribeTopicsResults.failed(DELTAS, denied),
            DescribeTopicsResults.failed(DELTAS, new TimeoutException("slow")),
            DescribeTopicsResults.of(DELTAS, 4));
    assertThat(OwnerPartitions.of(admin, ID, 12, kafka).count()).isEqualTo(4);
    assertThat(refusals.current()).as("over once Kafka answered").isEmpty();
  }

  @Test
  void aRefusalNamesTheTopicItIsAbout() throws Exception {
    int[] asked = {0};
    Admin admin =
        describing(
            DescribeTopicsResults.failed(
                DELTAS, new TopicAuthorizationException("denied", Set.of())));
    UntilKafkaAnswers stoppingAfterOne =
        new UntilKafkaAnswers("kafka1:9092", () -> asked[0]++ > 0, refusals, Duration.ofMillis(1));
    assertThat(OwnerPartitions.of(admin, ID, 12, stoppingAfterOne)).isNull();
    assertThat(refusals.current())
        .as("the refusal, for the log and /readyz while it lasts")
        .hasValueSatisfying(r -> assertThat(r.message()).contains(DELTAS));
  }

  @Test
  void noAnswerIsWaitedOutNotGuessed() throws Exception {
    Admin admin =
        describing(
            DescribeTopicsResults.failed(DELTAS, new TimeoutException("slow")),
            DescribeTopicsResults.failed(DELTAS, new TimeoutException("slow")),
            DescribeTopicsResults.failed(DELTAS, new TimeoutException("slow")),
            DescribeTopicsResults.failed(DELTAS, new TimeoutException("slow")),
            DescribeTopicsResults.of(DELTAS, 6));
    assertThat(OwnerPartitions.of(admin, ID, 12, kafka))
        .isEqualTo(new OwnerPartitions.Owners(6, true));
  }

  @Test
  void anExporterStoppingMeanwhileLearnsNothing() throws Exception {
    int[] asked = {0};
    Admin admin = describing(DescribeTopicsResults.failed(DELTAS, new TimeoutException("slow")));
    UntilKafkaAnswers stopping =
        new UntilKafkaAnswers("kafka1:9092", () -> asked[0]++ > 0, refusals, Duration.ofMillis(1));
    assertThat(OwnerPartitions.of(admin, ID, 12, stopping)).isNull();
  }
}
