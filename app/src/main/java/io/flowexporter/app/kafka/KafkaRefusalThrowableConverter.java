package io.flowexporter.app.kafka;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;

/**
 * Writes the exception of a log line as logback does ({@code %ex}), except on the Kafka client's
 * lines about a refusal that {@link KafkaRefusalLogFilter} lets through: of those, only the
 * exception's own line. The JDK's TLS failure comes with some forty lines of handshake frames and
 * causes, which told the operator nothing the exporter's own line ({@link KafkaRefusalLog}) does
 * not say, and made a refused TLS handshake twice as long a log as a refused password. Used by
 * {@code LogSetup}'s layout and, as {@code %refusalEx}, by {@code deploy/logback.xml}.
 */
public final class KafkaRefusalThrowableConverter extends ThrowableProxyConverter {

  static final String LEFT_OUT = " (stack trace left out: the KafkaRefusalLog line says why)";

  @Override
  public String convert(ILoggingEvent event) {
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown == null || !KafkaRefusalLogFilter.isClientRefusal(event)) {
      return super.convert(event);
    }
    String message = thrown.getMessage();
    return thrown.getClassName()
        + (message == null ? "" : ": " + message)
        + LEFT_OUT
        + CoreConstants.LINE_SEPARATOR;
  }
}
