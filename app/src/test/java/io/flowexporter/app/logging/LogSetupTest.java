package io.flowexporter.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.flowexporter.app.flows.FlowApi;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * The built-in logging against the file operators start from ({@code deploy/logback.xml}): the same
 * lines, byte for byte (a Kafka client's refusal without its stack trace), and the same levels.
 */
class LogSetupTest {

  private static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n%explainedEx";

  private static List<LoggingEvent> events(LoggerContext context) {
    List<LoggingEvent> events = new ArrayList<>();
    IllegalStateException failure =
        new IllegalStateException("outer", new java.io.IOException("inner cause"));
    SslAuthenticationException refused = new SslAuthenticationException("SSL handshake failed");
    refused.initCause(new SSLHandshakeException("PKIX path building failed"));
    String[][] shapes = {
      {"io.flowexporter.app.Exporter", "INFO", "flow-exporter starting"},
      {
        "org.apache.kafka.streams.processor.internals.StreamThread",
        "WARN",
        "a long logger name, abbreviated"
      },
      {"kafka", "ERROR", "with {} argument"},
      {"org.apache.kafka.clients.admin.KafkaAdminClient", "ERROR", "refused, {}"},
    };
    for (String[] shape : shapes) {
      LoggingEvent e =
          new LoggingEvent(
              "fqcn",
              context.getLogger(shape[0]),
              Level.toLevel(shape[1]),
              shape[2],
              shape[1].equals("ERROR") ? (shape[0].equals("kafka") ? failure : refused) : null,
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
    pattern.getInstanceConverterMap().put("explainedEx", ExplainedFailureConverter::new);
    pattern.setPattern(PATTERN);
    pattern.start();
    LogLineLayout ours = new LogLineLayout();
    ours.setContext(context);
    ours.start();
    for (LoggingEvent e : events(context)) {
      assertThat(ours.doLayout(e)).isEqualTo(pattern.doLayout(e));
    }
    assertThat(ours.doLayout(events(context).get(2))).contains("Caused by: java.io.IOException");
    assertThat(ours.doLayout(events(context).get(3)))
        .contains("SslAuthenticationException")
        .doesNotContain("Caused by", "\tat ");
  }

  @Test
  void theDeployedFileSetsTheSameLevelsAndFilter() throws Exception {
    LoggerContext builtIn = new LoggerContext();
    new LogSetup().configure(builtIn);
    LoggerContext fromFile = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(fromFile);
    joran.doConfigure(Path.of("..", "deploy", "logback.xml").toFile());
    // Logback would print its warnings (a deprecated attribute, an unknown element) at every start.
    assertThat(fromFile.getStatusManager().getCopyOfStatusList())
        .filteredOn(s -> s.getLevel() >= ch.qos.logback.core.status.Status.WARN)
        .extracting(ch.qos.logback.core.status.Status::getMessage)
        .isEmpty();

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
    for (LoggingEvent e : events(fromFile)) {
      assertThat(layout(theirs).doLayout(e)).isEqualTo(layout(ours).doLayout(e));
    }
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

  @SuppressWarnings("unchecked") // a LoggerContext's appenders and encoders are of ILoggingEvent
  private static Layout<ILoggingEvent> layout(Appender<?> appender) {
    return ((LayoutWrappingEncoder<ILoggingEvent>) ((ConsoleAppender<?>) appender).getEncoder())
        .getLayout();
  }
}
