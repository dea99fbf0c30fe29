package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

class UntilKafkaAnswersTest {

  private final KafkaRefusalLog refusals =
      new KafkaRefusalLog(
          KafkaRefusals.of(
              Map.of(), "kafka1:9092", new TopicAcls("flows", Optional.empty(), "exporter")));
  private final Logger log = new LoggerContext().getLogger("asker");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  UntilKafkaAnswersTest() {
    lines.start();
    log.addAppender(lines);
  }

  /** A request failing with each of {@code failures} in turn, then answering 42. */
  private static UntilKafkaAnswers.Request<Integer> failing(Exception... failures) {
    Deque<Exception> left = new ArrayDeque<>(List.of(failures));
    return () -> {
      Exception next = left.poll();
      if (next == null) {
        return 42;
      }
      if (next instanceof ExecutionException e) {
        throw e;
      }
      if (next instanceof TimeoutException e) {
        throw e;
      }
      throw (UntilKafkaAnswers.NotYet) next;
    };
  }

  /** Whether a refusal was current at some ask of {@code request}. */
  private boolean refusedMeanwhile;

  private UntilKafkaAnswers.Request<Integer> watchingRefusals(
      UntilKafkaAnswers.Request<Integer> request) {
    return () -> {
      refusedMeanwhile |= refusals.current().isPresent();
      return request.send();
    };
  }

  private static final ExecutionException DENIED =
      new ExecutionException(new TopicAuthorizationException("denied", Set.of()));

  private UntilKafkaAnswers kafka() {
    return new UntilKafkaAnswers("kafka1:9092", () -> false, refusals, Duration.ofMillis(1));
  }

  private List<String> said() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void theSameProblemIsSaidOnceAnotherOneAgain() throws Exception {
    ExecutionException slow =
        new ExecutionException(
            new org.apache.kafka.common.errors.TimeoutException(
                "Call(callName=listTopics, deadlineMs=1764500000123) timed out"));
    ExecutionException slowAgain =
        new ExecutionException(
            new org.apache.kafka.common.errors.TimeoutException(
                "Call(callName=listTopics, deadlineMs=1764500007123) timed out"));
    assertThat(
            kafka()
                .ask(
                    log,
                    null,
                    "the topics",
                    failing(
                        slow,
                        slowAgain,
                        new TimeoutException(),
                        new UntilKafkaAnswers.NotYet("Topic flows does not exist yet"))))
        .contains(42);
    assertThat(said())
        .containsExactly(
            "Kafka at kafka1:9092 is not answering (Call(callName=listTopics,"
                + " deadlineMs=1764500000123) timed out); retrying: the start needs the topics",
            "Kafka at kafka1:9092 is not reachable (check the address, and that security.protocol is"
                + " the listener's); retrying: the start needs the topics",
            "Topic flows does not exist yet");
  }

  @Test
  void twoProblemsTakingTurnsAreEachSaidOnce() throws Exception {
    ExecutionException slow =
        new ExecutionException(
            new org.apache.kafka.common.errors.TimeoutException(
                "Call(callName=listTopics) timed out"));
    TimeoutException unreachable = new TimeoutException();
    assertThat(
            kafka()
                .ask(
                    log,
                    null,
                    null,
                    failing(slow, unreachable, slow, unreachable, slow, unreachable)))
        .contains(42);
    assertThat(said()).hasSize(2);
  }

  @Test
  void aRefusalIsSaidByTheRefusalLogAndLastsUntilKafkaAnswers() throws Exception {
    assertThat(kafka().ask(log, "flows", null, watchingRefusals(failing(DENIED, DENIED))))
        .contains(42);
    assertThat(refusedMeanwhile).as("the refusal, for /readyz while it lasts").isTrue();
    assertThat(refusals.current()).as("cleared once Kafka answered").isEmpty();
    assertThat(said()).as("said by the refusal log, not as Kafka not answering").isEmpty();
  }

  @Test
  void noAnswerWhileARefusalLastsIsTheRefusalAnotherFailureIsSaid() throws Exception {
    assertThat(
            kafka()
                .ask(
                    log,
                    "flows",
                    null,
                    failing(
                        DENIED,
                        new TimeoutException(),
                        new ExecutionException(
                            new org.apache.kafka.common.errors.TimeoutException("timed out")),
                        new ExecutionException(new DisconnectException("connection lost")),
                        new ExecutionException(
                            new UnsupportedVersionException("the broker is too old")))))
        .contains(42);
    assertThat(said())
        .containsExactly(
            "Kafka at kafka1:9092 failed the request (UnsupportedVersionException: the broker is"
                + " too old); retrying");
  }

  @Test
  void aRefusalOfNoTopicNamedIsSaidAsItIsWhenTheRequestIsAboutNone() throws Exception {
    assertThat(kafka().ask(log, null, null, watchingRefusals(failing(DENIED)))).contains(42);
    assertThat(refusedMeanwhile).isTrue();
  }

  @Test
  void anExporterStoppingMeanwhileAsksNoMore() throws Exception {
    int[] asked = {0};
    UntilKafkaAnswers stopping =
        new UntilKafkaAnswers("kafka1:9092", () -> asked[0] > 0, refusals, Duration.ofMillis(1));
    assertThat(
            stopping.ask(
                log,
                null,
                null,
                () -> {
                  asked[0]++;
                  throw new TimeoutException();
                }))
        .isEmpty();
    assertThat(asked[0]).isEqualTo(1);
  }

  @Test
  void aTimeoutSaidAgainWithOtherDeadlinesIsTheSameProblem() {
    String first =
        "Kafka at k:9092 is not answering (Call(callName=describeTopics, deadlineMs=1764500000123,"
            + " tries=3, nextAllowedTryMs=1764500000456) timed out at 1764500000789 after 3"
            + " attempt(s)); retrying";
    String again = first.replace("000123", "007123").replace("tries=3", "tries=4");
    assertThat(UntilKafkaAnswers.shapeOf(again)).isEqualTo(UntilKafkaAnswers.shapeOf(first));
    assertThat(UntilKafkaAnswers.shapeOf("Topic t does not exist yet at k:9092"))
        .isNotEqualTo(UntilKafkaAnswers.shapeOf(first));
  }
}
