package io.flowexporter.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import io.flowexporter.app.flows.FlowApi;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in logging against the file operators start from ({@code deploy/logback.xml}): the same
 * lines, byte for byte, and the same levels.
 */
class LogSetupTest {

  private static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

  private static List<LoggingEvent> events(LoggerContext context) {
    List<LoggingEvent> events = new ArrayList<>();
    IllegalStateException failure =
        new IllegalStateException("outer", new java.io.IOException("inner cause"));
    String[][] shapes = {
      {"io.flowexporter.app.Exporter", "INFO", "flow-exporter starting"},
      {
        "org.apache.kafka.streams.processor.internals.StreamThread",
        "WARN",
        "a long logger name, abbreviated"
      },
      {"kafka", "ERROR", "with {} argument"},
    };
    for (String[] shape : shapes) {
      LoggingEvent e =
          new LoggingEvent(
              "fqcn",
              context.getLogger(shape[0]),
              Level.toLevel(shape[1]),
              shape[2],
              shape[1].equals("ERROR") ? failure : null,
              new Object[] {"one"});
      e.setThreadName("startup-1-StreamThread-1");
      e.setTimeStamp(1_796_000_123_456L);
      events.add(e);
    }
    return events;
  }

  @Test
  void linesAreThoseOfTheLogbackPatternTheyReplace() {
    LoggerContext context = new LoggerContext();
    PatternLayout pattern = new PatternLayout();
    pattern.setContext(context);
    pattern.setPattern(PATTERN);
    pattern.start();
    LogLineLayout ours = new LogLineLayout();
    ours.setContext(context);
    ours.start();
    for (LoggingEvent e : events(context)) {
      assertThat(ours.doLayout(e)).isEqualTo(pattern.doLayout(e));
    }
    assertThat(ours.doLayout(events(context).get(2))).contains("Caused by: java.io.IOException");
  }

  @Test
  void theDeployedFileSetsTheSameLevelsAndFilter() throws Exception {
    LoggerContext builtIn = new LoggerContext();
    new LogSetup().configure(builtIn);
    LoggerContext fromFile = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(fromFile);
    joran.doConfigure(Path.of("..", "deploy", "logback.xml").toFile());

    List<String> names = new ArrayList<>(LogSetup.QUIETER.keySet());
    names.addAll(LogSetup.PINNED.keySet());
    names.addAll(List.of("ROOT", "org.apache.kafka", "org.apache.kafka.clients.Metadata"));
    for (String name : names) {
      assertThat(builtIn.getLogger(name).getEffectiveLevel())
          .as(name)
          .isEqualTo(fromFile.getLogger(name).getEffectiveLevel());
    }
    Appender<?> ours = builtIn.getLogger("ROOT").getAppender("STDERR");
    Appender<?> theirs = fromFile.getLogger("ROOT").getAppender("STDERR");
    assertThat(ours).isInstanceOf(ConsoleAppender.class);
    assertThat(theirs).isInstanceOf(ConsoleAppender.class);
    assertThat(((ConsoleAppender<?>) ours).getTarget())
        .isEqualTo(((ConsoleAppender<?>) theirs).getTarget());
    assertThat(ours.getCopyOfAttachedFiltersList()).hasSize(1);
    assertThat(ours.getCopyOfAttachedFiltersList().get(0).getClass())
        .isEqualTo(theirs.getCopyOfAttachedFiltersList().get(0).getClass());
  }

  @Test
  void theAuditLinesStayAtInfoWhenTheLogIsQuietenedToWarnInBothSetUps() throws Exception {
    String before = System.getProperty("FLOW_EXPORTER_LOG_LEVEL");
    System.setProperty("FLOW_EXPORTER_LOG_LEVEL", "WARN");
    try {
      LoggerContext builtIn = new LoggerContext();
      new LogSetup().configure(builtIn);
      LoggerContext fromFile = new LoggerContext();
      JoranConfigurator joran = new JoranConfigurator();
      joran.setContext(fromFile);
      joran.doConfigure(Path.of("..", "deploy", "logback.xml").toFile());
      for (LoggerContext context : List.of(builtIn, fromFile)) {
        assertThat(context.getLogger("ROOT").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.flowexporter.app.flows.FlowApi").isInfoEnabled())
            .isFalse();
        assertThat(context.getLogger(FlowApi.AUDIT_LOGGER).isInfoEnabled()).isTrue();
      }
    } finally {
      if (before == null) {
        System.clearProperty("FLOW_EXPORTER_LOG_LEVEL");
      } else {
        System.setProperty("FLOW_EXPORTER_LOG_LEVEL", before);
      }
    }
  }
}
