package io.flowexporter.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.flowexporter.topology.aggregate.UnreadableFormatException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/**
 * The Kafka client's refusal lines, and lines of a failure caused by an unreadable stored format,
 * keep their exception's line and lose its stack trace; every other line keeps all of it.
 */
class ExplainedFailureConverterTest {

  private final LoggerContext context = new LoggerContext();
  private final ExplainedFailureConverter converter = new ExplainedFailureConverter();

  {
    converter.setContext(context);
    converter.start();
  }

  @Test
  void aKafkaClientsRefusalKeepsOnlyItsExceptionsLine() {
    String written =
        converter.convert(
            event("org.apache.kafka.clients.admin.internals.AdminMetadataManager", refusedTls()));
    assertThat(written)
        .isEqualTo(
            "org.apache.kafka.common.errors.SslAuthenticationException: SSL handshake failed"
                + ExplainedFailureConverter.LEFT_OUT
                + System.lineSeparator());
  }

  @Test
  void otherLinesKeepTheirStackTrace() {
    String ours = converter.convert(event("io.flowexporter.app.Exporter", refusedTls()));
    assertThat(ours).contains("Caused by: javax.net.ssl.SSLHandshakeException", "\tat ");
    String other =
        converter.convert(
            event("org.apache.kafka.streams.KafkaStreams", new IllegalStateException("x")));
    assertThat(other).contains("java.lang.IllegalStateException: x", "\tat ");
    assertThat(converter.convert(event("org.apache.kafka.clients.NetworkClient", null))).isEmpty();
  }

  @Test
  void aFailureCausedByAnUnreadableFormatKeepsOnlyItsLineAndTheCause() {
    StreamsException e = new StreamsException("failed to initialize processor own-series");
    e.initCause(
        new UnreadableFormatException(
            "a bucket in format 4, not 3", "series-totals-changelog", true));
    assertThat(converter.convert(event("org.apache.kafka.streams.KafkaStreams", e)))
        .isEqualTo(
            "org.apache.kafka.streams.errors.StreamsException: failed to initialize processor"
                + " own-series, caused by "
                + UnreadableFormatException.class.getName()
                + ExplainedFailureConverter.LEFT_OUT
                + System.lineSeparator());
    assertThat(
            converter.convert(
                event(
                    "io.flowexporter.app.Exporter",
                    new UnreadableFormatException("format 4", "series-deltas", false))))
        .startsWith(
            UnreadableFormatException.class.getName()
                + ": Topic <application-id>-series-deltas holds data")
        .endsWith(ExplainedFailureConverter.LEFT_OUT + System.lineSeparator());
  }

  /** As the JDK and Kafka's client make it: a handshake failure with its frames and cause. */
  private static SslAuthenticationException refusedTls() {
    SslAuthenticationException e = new SslAuthenticationException("SSL handshake failed");
    e.initCause(new SSLHandshakeException("PKIX path building failed"));
    return e;
  }

  private LoggingEvent event(String logger, Throwable t) {
    Logger l = context.getLogger(logger);
    return new LoggingEvent(
        Logger.class.getName(), l, Level.WARN, "Fatal error during metadata update", t, null);
  }
}
