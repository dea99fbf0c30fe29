package io.flowexporter.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.flowexporter.app.flows.FlowApi;
import io.flowexporter.app.kafka.KafkaRepeatLogFilter;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The exporter's logging, set up in code when logback starts (found through {@code
 * META-INF/services}): lines to standard error, the exporter's own at INFO, Kafka's clients and
 * broker only when they warn. Reading an XML file instead (logback's XML configurator and its
 * pattern parser) cost 0.1-0.2 s of every start, before the exporter's first line; see
 * docs/performance.md, Start-up.
 *
 * <p>{@code -Dlogback.configurationFile=FILE} still wins: then this set-up steps aside and logback
 * reads the file; a file that is not there is said, and this set-up applies (logback's fallback
 * would log everything at DEBUG to standard output). {@code FLOW_EXPORTER_LOG_LEVEL} and {@code
 * FLOW_EXPORTER_KAFKA_LOG_LEVEL} (environment variables or system properties) change the two
 * levels; the flow API's audit lines stay at INFO whatever they say ({@link #PINNED}).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

  /**
   * Levels below the root's: Kafka's connection errors while a broker is down come once per retry
   * (TopicWaiter and the state log say it once), and StreamsConfig's only start-up warning is a
   * notice about a Kafka 5.0 default, whatever the setting.
   */
  static final Map<String, Level> QUIETER =
      Map.of(
          "org.apache.kafka.clients.NetworkClient", Level.ERROR,
          "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator", Level.ERROR,
          "org.apache.kafka.streams.StreamsConfig", Level.ERROR,
          "kafka", Level.WARN,
          "state.change.logger", Level.WARN,
          "org.eclipse.jetty", Level.WARN,
          "io.javalin", Level.WARN);

  /**
   * Levels that {@code FLOW_EXPORTER_LOG_LEVEL} does not change: the flow API's audit trail (who
   * looked at which flows) must not vanish when an operator quietens the rest of the log to WARN.
   */
  static final Map<String, Level> PINNED = Map.of(FlowApi.AUDIT_LOGGER, Level.INFO);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String file = System.getProperty("logback.configurationFile");
    if (file != null) {
      if (resolves(file)) {
        return ExecutionStatus.INVOKE_NEXT_IF_ANY;
      }
      addWarn(
          "-Dlogback.configurationFile="
              + file
              + ": no such file, URL or class path resource; logging as built in");
    }
    LogLineLayout layout = new LogLineLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    // Kafka's lines about a refused login, TLS handshake or ACL (the exporter says it once a
    // minute), and Kafka Streams' per-task line that a standby copy found no instance: one per
    // logger every 10 min.
    KafkaRepeatLogFilter bursts = new KafkaRepeatLogFilter();
    bursts.setContext(context);
    bursts.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.addFilter(bursts);
    stderr.start();

    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level("FLOW_EXPORTER_LOG_LEVEL", Level.INFO));
    root.addAppender(stderr);
    context
        .getLogger("org.apache.kafka")
        .setLevel(level("FLOW_EXPORTER_KAFKA_LOG_LEVEL", Level.WARN));
    QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
    PINNED.forEach((name, level) -> context.getLogger(name).setLevel(level));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Whether logback can read the file as it looks for it: a URL, a class path resource, a path. */
  private static boolean resolves(String file) {
    try {
      new URL(file).openStream().close();
      return true;
    } catch (IOException | IllegalArgumentException e) {
      // not a URL that answers: a resource or a file, then
    }
    try {
      return LogSetup.class.getClassLoader().getResource(file) != null
          || Files.isReadable(Path.of(file));
    } catch (IllegalArgumentException e) {
      return false; // not a path either
    }
  }

  /** A level from a system property or else an environment variable of that name. */
  private static Level level(String name, Level otherwise) {
    String value = System.getProperty(name, System.getenv(name));
    return value == null || value.isBlank() ? otherwise : Level.toLevel(value.trim(), otherwise);
  }
}
