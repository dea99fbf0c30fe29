package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class TopicWaiterTest {

  private static boolean awaitResolvable(String brokers, BooleanSupplier stopping)
      throws InterruptedException {
    KafkaRefusalLog refusals =
        new KafkaRefusalLog(
            KafkaRefusals.of(Map.of(), brokers, new TopicAcls("flows", Optional.empty(), "id")));
    return TopicWaiter.awaitResolvable(
        new UntilKafkaAnswers(brokers, stopping, refusals, Duration.ofMillis(1)));
  }

  @Test
  void brokerNamesThatDoNotResolveAreWaitedForNotAFailure() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    // .invalid never resolves (RFC 6761): the wait goes on until it is stopped.
    assertThat(
            awaitResolvable(
                "kafka-1.invalid:9092,,SSL://kafka-2.invalid:9093",
                () -> checks.incrementAndGet() > 2))
        .isFalse();
    assertThat(checks.get()).isEqualTo(3);
  }

  @Test
  void oneNameThatResolvesIsEnough() throws Exception {
    assertThat(awaitResolvable("kafka-1.invalid:9092,127.0.0.1:9092", () -> false)).isTrue();
    assertThat(awaitResolvable("[::1]:9092", () -> false)).isTrue();
    // A listener's name before the address, as Kafka's clients take it.
    assertThat(awaitResolvable("SASL_SSL://127.0.0.1:9093", () -> false)).isTrue();
  }

  @Test
  void theHostOfAnAddress() {
    assertThat(TopicWaiter.hostOf("kafka1:9092")).isEqualTo("kafka1");
    assertThat(TopicWaiter.hostOf("[2001:db8::1]:9092")).isEqualTo("2001:db8::1");
    assertThat(TopicWaiter.hostOf("SASL_SSL://kafka1:9093")).isEqualTo("kafka1");
  }
}
