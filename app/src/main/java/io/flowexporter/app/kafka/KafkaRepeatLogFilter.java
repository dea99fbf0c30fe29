package io.flowexporter.app.kafka;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps two kinds of Kafka lines that come in bursts to one per logger every ten minutes:
 *
 * <ul>
 *   <li>the client's own lines about a refusal (a failed login or TLS handshake, a denied ACL): the
 *       client repeats them on every retry, several a second, while {@link KafkaRefusalLog} says
 *       the same once a minute in the exporter's words. The lines it lets through are written
 *       without their stack trace ({@code ExplainedFailureConverter} in the logging package);
 *   <li>Kafka Streams' warning that a standby task found no instance to run on: one line per task
 *       at every rebalance (8 at each start of a single instance with the default {@code
 *       --standby-replicas 1}), where one says it all: there are fewer instances than copies asked
 *       for.
 * </ul>
 *
 * Other lines pass untouched. Set on the standard error appender by {@link
 * io.flowexporter.app.logging.LogSetup}.
 */
public final class KafkaRepeatLogFilter extends Filter<ILoggingEvent> {

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

  /** Where Kafka Streams' task assignors log (the default one and the rack-aware ones). */
  private static final String STANDBY_ASSIGNORS =
      "org.apache.kafka.streams.processor.internals.assignment.";

  private final ConcurrentHashMap<String, Long> lastPassed = new ConcurrentHashMap<>();

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (!isClientRefusal(event) && !isStandbyShortage(event)) {
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

  /** Kafka Streams' line, one per standby task, that it could not place a standby copy. */
  static boolean isStandbyShortage(ILoggingEvent event) {
    String message = event.getMessage();
    return event.getLoggerName().startsWith(STANDBY_ASSIGNORS)
        && message != null
        && message.contains("assign {} of {} standby tasks");
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
