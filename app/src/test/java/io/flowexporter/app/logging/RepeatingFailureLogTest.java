package io.flowexporter.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class RepeatingFailureLogTest {

  @Test
  void theFirstFailureWithItsStackTraceThenOneLineAMinuteWithTheCount() {
    Logger logger = new LoggerContext().getLogger("job");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    RepeatingFailureLog log = new RepeatingFailureLog(logger, "Could not sample");
    long minute = RepeatingFailureLog.QUIET_NANOS;
    for (long t = 0; t < 3 * minute; t += 500_000_000L) { // twice a second for three minutes
      log.failed(new IllegalStateException("broken"), t);
    }
    assertThat(lines.list).hasSize(3);
    assertThat(lines.list.get(0).getFormattedMessage()).isEqualTo("Could not sample");
    assertThat(lines.list.get(0).getThrowableProxy()).isNotNull();
    assertThat(lines.list.get(1).getFormattedMessage())
        .isEqualTo(
            "Could not sample (120 times since the last such line):"
                + " java.lang.IllegalStateException: broken");
    assertThat(lines.list.get(1).getThrowableProxy()).isNull();
    // Another fault: with its stack trace, and the count of those held back before it.
    log.failed(new IllegalArgumentException("other"), 200 * minute);
    assertThat(lines.list).hasSize(4);
    assertThat(lines.list.get(3).getFormattedMessage())
        .isEqualTo("Could not sample (120 times since the last such line)");
    assertThat(lines.list.get(3).getThrowableProxy().getClassName())
        .isEqualTo(IllegalArgumentException.class.getName());
    // Hours after that, the fault again after a quiet spell: whole, with its stack trace.
    log.failed(new IllegalArgumentException("other"), 400 * minute);
    assertThat(lines.list.get(4).getFormattedMessage()).isEqualTo("Could not sample");
    assertThat(lines.list.get(4).getThrowableProxy()).isNotNull();
  }
}
