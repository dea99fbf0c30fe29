package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The client's refusal lines and Kafka Streams' per-task standby shortage pass once per logger;
 * Kafka's other lines, and ours, always.
 */
class KafkaRepeatLogFilterTest {

  private final LoggerContext context = new LoggerContext();
  private final KafkaRepeatLogFilter filter = new KafkaRepeatLogFilter();

  @Test
  void aRepeatedRefusalLinePassesOncePerLogger() {
    String authFailed =
        "[AdminClient clientId=adminclient-1] Connection to node {} ({}) failed authentication due to: {}";
    assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.ERROR, authFailed, null))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.ERROR, authFailed, null))
        .isEqualTo(FilterReply.DENY);
    RuntimeException wrapped =
        new RuntimeException("x", new SaslAuthenticationException("invalid credentials"));
    String fatal = "[AdminClient clientId=adminclient-1] Fatal error during metadata update";
    assertThat(
            decide(
                "org.apache.kafka.clients.admin.internals.AdminMetadataManager",
                Level.WARN,
                fatal,
                wrapped))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            decide(
                "org.apache.kafka.clients.admin.internals.AdminMetadataManager",
                Level.WARN,
                fatal,
                wrapped))
        .isEqualTo(FilterReply.DENY);
  }

  @Test
  void aDeniedTopicSaidAtEveryMetadataUpdatePassesOncePerLogger() {
    String denied = "[Consumer clientId=c-1, groupId=g] Topic authorization failed for topics {}";
    assertThat(decide("org.apache.kafka.clients.Metadata", Level.ERROR, denied, null))
        .isEqualTo(FilterReply.NEUTRAL);
    for (int i = 0; i < 3; i++) {
      assertThat(decide("org.apache.kafka.clients.Metadata", Level.ERROR, denied, null))
          .isEqualTo(FilterReply.DENY);
    }
  }

  @Test
  void theStandbyShortageOfEachTaskPassesOncePerLogger() {
    String logger =
        "org.apache.kafka.streams.processor.internals.assignment.DefaultStandbyTaskAssignor";
    String shortage =
        "Unable to assign {} of {} standby tasks for task [{}]. There is not enough available"
            + " capacity. You should increase the number of application instances to maintain the"
            + " requested number of standby replicas.";
    assertThat(decide(logger, Level.WARN, shortage, null)).isEqualTo(FilterReply.NEUTRAL);
    for (int i = 0; i < 7; i++) {
      assertThat(decide(logger, Level.WARN, shortage, null)).isEqualTo(FilterReply.DENY);
    }
    String rackAware =
        "Rack aware standby task assignment was not able to assign {} of {} standby tasks for the"
            + " active task [{}] with the rack aware assignment tags {}.";
    String tagLogger =
        "org.apache.kafka.streams.processor.internals.assignment.ClientTagAwareStandbyTaskAssignor";
    assertThat(decide(tagLogger, Level.WARN, rackAware, null)).isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(tagLogger, Level.WARN, rackAware, null)).isEqualTo(FilterReply.DENY);
    // The assignor's other warnings are not bursts of the same fact.
    assertThat(decide(logger, Level.WARN, "Something else about task [{}]", null))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(logger, Level.WARN, "Something else about task [{}]", null))
        .isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void otherLinesPass() {
    for (int i = 0; i < 3; i++) {
      assertThat(
              decide(
                  "org.apache.kafka.clients.NetworkClient",
                  Level.ERROR,
                  "Connection to node {} was refused",
                  null))
          .isEqualTo(FilterReply.NEUTRAL);
      assertThat(
              decide(
                  "org.apache.kafka.streams.processor.internals.StreamThread",
                  Level.ERROR,
                  "failed",
                  new TimeoutException("t")))
          .isEqualTo(FilterReply.NEUTRAL);
      assertThat(
              decide(
                  "io.flowexporter.app.kafka.KafkaRefusalLog",
                  Level.WARN,
                  "Kafka at k:1 refused authentication",
                  new SaslAuthenticationException("x")))
          .isEqualTo(FilterReply.NEUTRAL);
    }
  }

  private FilterReply decide(String logger, Level level, String message, Throwable t) {
    Logger l = context.getLogger(logger);
    return filter.decide(
        new LoggingEvent(Logger.class.getName(), l, level, message, t, new Object[] {1, "h"}));
  }
}
