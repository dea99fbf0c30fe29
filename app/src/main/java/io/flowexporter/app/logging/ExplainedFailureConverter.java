package io.flowexporter.app.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;
import io.flowexporter.app.kafka.KafkaRefusalLog;
import io.flowexporter.app.kafka.KafkaRepeatLogFilter;
import io.flowexporter.topology.aggregate.UnreadableFormatException;

/**
 * Writes the exception of a log line as logback does ({@code %ex}), except for failures the
 * exporter has already explained in its own words: of those, only the exception's own line (and the
 * class of the explained cause). They are
 *
 * <ul>
 *   <li>the Kafka client's lines about a refusal that {@link KafkaRepeatLogFilter} lets through
 *       ({@link KafkaRefusalLog} says what was refused and what to check). The JDK's TLS failure
 *       comes with some forty lines of handshake frames and causes, which made a refused TLS
 *       handshake twice as long a log as a refused password;
 *   <li>any line whose exception was caused by an {@link UnreadableFormatException}: the exporter's
 *       ERROR line before it says which topic holds what and what to do; Kafka Streams then logs
 *       the same exception with twenty lines of its own frames as it shuts down.
 * </ul>
 *
 * Used by {@link LogLineLayout} and, as {@code %explainedEx}, by {@code deploy/logback.xml}.
 */
public final class ExplainedFailureConverter extends ThrowableProxyConverter {

  static final String LEFT_OUT = " (stack trace left out: the exporter's own line says why)";

  private static final String UNREADABLE = UnreadableFormatException.class.getName();

  @Override
  public String convert(ILoggingEvent event) {
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown == null) {
      return super.convert(event);
    }
    String explained = null;
    if (KafkaRepeatLogFilter.isClientRefusal(event)) {
      explained = "";
    } else {
      for (IThrowableProxy t = thrown; t != null; t = t.getCause()) {
        if (t.getClassName().equals(UNREADABLE)) {
          explained = t == thrown ? "" : ", caused by " + UNREADABLE;
          break;
        }
      }
    }
    if (explained == null) {
      return super.convert(event);
    }
    String message = thrown.getMessage();
    return thrown.getClassName()
        + (message == null ? "" : ": " + message)
        + explained
        + LEFT_OUT
        + CoreConstants.LINE_SEPARATOR;
  }
}
