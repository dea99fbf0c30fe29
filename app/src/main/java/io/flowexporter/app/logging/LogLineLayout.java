package io.flowexporter.app.logging;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One log line as logback's pattern {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread]
 * %logger{36} - %msg%n%explainedEx} writes it (the stack trace of an exception, but not of a
 * failure the exporter has explained in its own words: {@link ExplainedFailureConverter}), written
 * in code: logback's pattern layout compiles about sixty converters when it starts, most of a
 * start's logging set-up.
 */
final class LogLineLayout extends LayoutBase<ILoggingEvent> {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());

  private final TargetLengthBasedClassNameAbbreviator abbreviator =
      new TargetLengthBasedClassNameAbbreviator(36);
  private final ConcurrentHashMap<String, String> abbreviated = new ConcurrentHashMap<>();
  private final ExplainedFailureConverter stackTrace = new ExplainedFailureConverter();

  @Override
  public void start() {
    stackTrace.setContext(getContext());
    stackTrace.start();
    super.start();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(128);
    TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
    String level = event.getLevel().toString();
    line.append(' ').append(level);
    for (int i = level.length(); i < 5; i++) {
      line.append(' ');
    }
    line.append(" [").append(event.getThreadName()).append("] ");
    line.append(abbreviated.computeIfAbsent(event.getLoggerName(), abbreviator::abbreviate));
    line.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    if (event.getThrowableProxy() != null) {
      line.append(stackTrace.convert(event));
    }
    return line.toString();
  }
}
