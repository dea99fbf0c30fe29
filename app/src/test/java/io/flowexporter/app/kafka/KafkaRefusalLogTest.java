package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.security.cert.CertificateExpiredException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A lasting refusal is logged once a minute, a new one at once, and stays for /readyz until
 * cleared; the same refusal from another broker is no new one.
 */
class KafkaRefusalLogTest {

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(KafkaRefusalLog.class);
  private final AtomicLong now = new AtomicLong();
  private final KafkaRefusalLog log =
      new KafkaRefusalLog(
          KafkaRefusals.of(
              Map.of(
                  "sasl.mechanism", "SCRAM-SHA-512",
                  "sasl.jaas.config", "x required username=\"flows\" password=\"p\";"),
              "k1:9093,k2:9093",
              new TopicAcls("pmacct.flows", Optional.empty(), "flow-exporter")),
          now::get);

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  @Test
  void aLastingRefusalIsSaidOnceAMinute() {
    for (int second = 0; second < 150; second += 2) { // a retry every 2 s for 2.5 min
      now.set(TimeUnit.SECONDS.toNanos(second));
      assertThat(log.report(new SaslAuthenticationException("invalid credentials"))).isPresent();
    }
    assertThat(lines.list)
        .hasSize(3)
        .allSatisfy(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.WARN);
              assertThat(e.getFormattedMessage())
                  .startsWith("Kafka at k1:9093,k2:9093 refused authentication for user flows");
            });
    assertThat(log.current())
        .map(KafkaRefusals.Refusal::kind)
        .contains(KafkaRefusals.Kind.AUTHENTICATION);
  }

  /**
   * Two brokers refuse by turns, each with its own words (its name, its certificate's date): one
   * refusal, said once a minute in the first broker's words, and the same reason on /readyz.
   */
  @Test
  void brokersRefusingByTurnsAreOneRefusal() {
    List<Throwable> mismatches =
        List.of(
            KafkaRefusalsTest.tls(new SSLHandshakeException("No name matching k1 found")),
            KafkaRefusalsTest.tls(new SSLHandshakeException("No name matching k2 found")));
    List<Throwable> expired =
        List.of(
            KafkaRefusalsTest.tls(
                new SSLHandshakeException("x"),
                new CertificateExpiredException("NotAfter: Sun Mar 01 00:00:00 UTC 2026")),
            KafkaRefusalsTest.tls(
                new SSLHandshakeException("x"),
                new CertificateExpiredException("NotAfter: Mon Mar 02 00:00:00 UTC 2026")));
    for (List<Throwable> byTurns : List.of(mismatches, expired)) {
      lines.list.clear();
      String first = null;
      for (int retry = 0; retry < 75; retry++) { // a retry every 2 s for 2.5 min
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        log.report(byTurns.get(retry % 2));
        first = first == null ? log.current().orElseThrow().message() : first;
        assertThat(log.current().orElseThrow().message()).isEqualTo(first);
      }
      String firstText = first;
      assertThat(lines.list)
          .hasSize(3)
          .allSatisfy(e -> assertThat(e.getFormattedMessage()).isEqualTo(firstText));
    }
    assertThat(lines.list.get(0).getFormattedMessage()).contains("Sun Mar 01");
  }

  @Test
  void aDifferentRefusalIsSaidAtOnceAndClearingEndsIt() {
    log.report(new SaslAuthenticationException("invalid credentials"));
    now.addAndGet(TimeUnit.SECONDS.toNanos(2));
    log.report(new TopicAuthorizationException(Set.of("pmacct.flows")));
    assertThat(lines.list).hasSize(2);
    assertThat(log.current().get().message()).contains("topic pmacct.flows");
    log.clear();
    log.clear();
    assertThat(log.current()).isEmpty();
    assertThat(lines.list).hasSize(3);
    assertThat(lines.list.get(2).getFormattedMessage())
        .startsWith("Kafka accepts the exporter now");
  }

  @Test
  void aTimeoutWhileARefusalLastsRemindsOfItOnceAMinute() {
    assertThat(log.remind()).isFalse();
    log.report(new SaslAuthenticationException("invalid credentials"));
    now.addAndGet(TimeUnit.SECONDS.toNanos(30));
    assertThat(log.remind()).isTrue();
    assertThat(lines.list).hasSize(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(30));
    assertThat(log.remind()).isTrue();
    assertThat(lines.list).hasSize(2);
    assertThat(lines.list.get(1).getFormattedMessage())
        .isEqualTo(lines.list.get(0).getFormattedMessage());
  }

  @Test
  void otherFailuresAreNotReported() {
    assertThat(log.report(new TimeoutException("no answer"))).isEmpty();
    assertThat(log.current()).isEmpty();
    assertThat(lines.list).isEmpty();
  }

  /**
   * One broker's certificate refused while another denies a topic, by turns: each refusal said once
   * a minute, not at every retry.
   */
  @Test
  void twoRefusalsByTurnsAreEachSaidOnceAMinute() {
    List<Throwable> byTurns =
        List.of(
            new SaslAuthenticationException("invalid credentials"),
            new TopicAuthorizationException(Set.of("pmacct.flows")));
    for (int retry = 0; retry < 75; retry++) { // a retry every 2 s for 2.5 min
      now.set(TimeUnit.SECONDS.toNanos(2L * retry));
      log.report(byTurns.get(retry % 2));
      assertThat(log.current()).isPresent();
    }
    assertThat(lines.list).hasSize(6);
    assertThat(lines.list.stream().filter(e -> e.getFormattedMessage().contains("topic")))
        .hasSize(3);
  }

  /**
   * One broker of three refuses, so the exporter is refused and accepted by turns: the refusal and
   * its end are each said once a minute, and /readyz always has the truth.
   */
  @Test
  void aRefusalThatComesAndGoesIsSaidOnceAMinute() {
    for (int retry = 0; retry < 75; retry++) { // a retry every 2 s for 2.5 min
      now.set(TimeUnit.SECONDS.toNanos(2L * retry));
      if (retry % 2 == 0) {
        log.report(new SaslAuthenticationException("invalid credentials"));
        assertThat(log.current()).isPresent();
      } else {
        log.clear();
        assertThat(log.current()).isEmpty();
      }
    }
    assertThat(lines.list).hasSize(6);
    assertThat(lines.list.stream().map(ILoggingEvent::getFormattedMessage))
        .filteredOn(m -> m.startsWith("Kafka accepts the exporter now"))
        .hasSize(3);
    // The last refusal, said or not, is what a later reminder says once its minute has passed.
    log.report(new SaslAuthenticationException("invalid credentials"));
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    assertThat(log.remind()).isTrue();
    assertThat(lines.list.get(lines.list.size() - 1).getFormattedMessage())
        .startsWith("Kafka at k1:9093,k2:9093 refused authentication for user flows");
  }

  /**
   * A refusal said, then another, then the first back within its minute (not said again), then
   * Kafka accepts: the log's last word must not stay the second refusal.
   */
  @Test
  void theEndOfARefusalIsSaidWheneverARefusalWasSaidBefore() {
    log.report(new SaslAuthenticationException("invalid credentials"));
    now.addAndGet(TimeUnit.SECONDS.toNanos(2));
    log.report(new TopicAuthorizationException(Set.of("pmacct.flows")));
    now.addAndGet(TimeUnit.SECONDS.toNanos(2));
    log.report(new SaslAuthenticationException("invalid credentials"));
    assertThat(lines.list).hasSize(2);
    log.clear();
    assertThat(lines.list).hasSize(3);
    assertThat(lines.list.get(2).getFormattedMessage())
        .startsWith("Kafka accepts the exporter now (it had refused: authentication)");
  }
}
