package io.flowexporter.app.kafka;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the Kafka client's own lines about a refusal (a failed login or TLS handshake, a denied
 * ACL) to one per logger every ten minutes: the client repeats them on every retry, several a
 * second, while {@link KafkaRefusalLog} says the same once a minute in the exporter's words. Its
 * other lines pass untouched. Set on the standard error appender by {@link
 * io.flowexporter.app.logging.LogSetup}; the lines it lets through are written without their stack
 * trace ({@code ExplainedFailureConverter} in the logging package).
 */
public final class KafkaRefusalLogFilter extends Filter<ILoggingEvent> {

  static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** The exceptions by which a Kafka client says it was refused (subclasses are named too). */
  private static final Set<String> REFUSALS =
      Set.of(
          "org.apache.kafka.common.errors.SaslAuthenticationException",
          "org.apache.kafka.common.errors.SslAuthenticationException",
          "org.apache.kafka.common.errors.AuthenticationException",
          "org.apache.kafka.common.errors.TopicAuthorizationException",
          "org.apache.kafka.common.errors.GroupAuthorizationException",
          "org.apache.kafka.common.errors.TransactionalIdAuthorizationException",
          "org.apache.kafka.common.errors.ClusterAuthorizationException");

  private final ConcurrentHashMap<String, Long> lastPassed = new ConcurrentHashMap<>();

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (!isClientRefusal(event)) {
      return FilterReply.NEUTRAL;
    }
    long now = System.nanoTime();
    boolean[] pass = {false};
    lastPassed.compute(
        event.getLoggerName(),
        (logger, last) -> {
          if (last == null || now - last >= QUIET_NANOS) {
            pass[0] = true;
            return now;
          }
          return last;
        });
    return pass[0] ? FilterReply.NEUTRAL : FilterReply.DENY;
  }

  /** Whether a Kafka client says with this line that it was refused. */
  public static boolean isClientRefusal(ILoggingEvent event) {
    return event.getLoggerName().startsWith("org.apache.kafka.") && isRefusal(event);
  }

  private static boolean isRefusal(ILoggingEvent event) {
    String message = event.getMessage();
    // Lines that say it without an exception: a failed login (NetworkClient), and a denied topic
    // at every metadata update of every client that asks for it (Metadata).
    if (message != null
        && (message.contains("failed authentication due to")
            || message.contains("Topic authorization failed"))) {
      return true;
    }
    int depth = 0;
    for (IThrowableProxy t = event.getThrowableProxy();
        t != null && depth++ < 20;
        t = t.getCause()) {
      if (REFUSALS.contains(t.getClassName())) {
        return true;
      }
    }
    return false;
  }
}
