package io.flowexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Threads that end on an exception: to the log; a stream thread's, said already, at DEBUG. */
class MainTest {

  @Test
  void uncaughtExceptionsGoToTheLog() {
    Logger logger = (Logger) LoggerFactory.getLogger(Main.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    Level before = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    try {
      Main.uncaught(new Thread("it-acl-5b1e-StreamThread-3"), new IllegalStateException("refused"));
      Main.uncaught(new Thread("flow-exporter-background"), new IllegalStateException("bug"));
    } finally {
      logger.detachAppender(lines);
      logger.setLevel(before);
    }
    assertThat(lines.list)
        .extracting(ILoggingEvent::getLevel)
        .containsExactly(Level.DEBUG, Level.ERROR);
    assertThat(lines.list.get(1).getThrowableProxy().getMessage()).isEqualTo("bug");
  }
}
