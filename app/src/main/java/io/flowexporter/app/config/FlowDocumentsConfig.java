package io.flowexporter.app.config;

import io.flowexporter.topology.filter.FlowFilter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where flow documents go, and which.
 *
 * @param topic {@code --flow-topic}: produced inside the counting transaction
 * @param log {@code --flow-log}: appended one per line, flushed before each commit
 * @param maxSize {@code --flow-log-max-size} in bytes: the file is rotated past it
 * @param maxFiles {@code --flow-log-max-files}: rotated (gzip-compressed) files kept, 1..20
 * @param filter {@code --flow-filter}: which counted records become documents
 */
public record FlowDocumentsConfig(
    Optional<String> topic, Optional<Path> log, long maxSize, int maxFiles, FlowFilter filter) {

  public static final long DEFAULT_MAX_SIZE = 100L * 1024 * 1024;
  public static final long MIN_MAX_SIZE = 1024;

  /**
   * A rotated file is compressed on the stream thread, inside the open exactly-once transaction
   * (Kafka Streams gives it 10 s): 256 MB take about 2.5 s, 1 GB would take about 10.
   */
  public static final long MAX_MAX_SIZE = 256L * 1024 * 1024;

  public static final int DEFAULT_MAX_FILES = 10;

  /** Logback's fixed-window rotation keeps at most 20 files. */
  public static final int MAX_MAX_FILES = 20;

  public static final FlowDocumentsConfig NONE =
      new FlowDocumentsConfig(
          Optional.empty(), Optional.empty(), DEFAULT_MAX_SIZE, DEFAULT_MAX_FILES, FlowFilter.ALL);

  public FlowDocumentsConfig {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(filter, "filter");
    if (maxSize < MIN_MAX_SIZE || maxSize > MAX_MAX_SIZE) {
      throw new IllegalArgumentException("flow log size outside 1KB..256MB: " + maxSize);
    }
    if (maxFiles < 1 || maxFiles > MAX_MAX_FILES) {
      throw new IllegalArgumentException("flow log files outside 1..20: " + maxFiles);
    }
  }

  /** Whether any output is configured. */
  public boolean enabled() {
    return topic.isPresent() || log.isPresent();
  }

  /**
   * The flags set to something other than their default that change nothing, because the output
   * they are about is not configured: {@code --flow-filter} without {@code --flow-log} or {@code
   * --flow-topic}, the rotation's flags without {@code --flow-log}. Said at start-up, so that a
   * setting left in an environment file does not go unnoticed.
   */
  public List<String> flagsWithoutEffect() {
    List<String> flags = new ArrayList<>();
    if (!enabled() && !filter.selectsAll()) {
      flags.add("--flow-filter");
    }
    if (log.isEmpty() && maxSize != DEFAULT_MAX_SIZE) {
      flags.add("--flow-log-max-size");
    }
    if (log.isEmpty() && maxFiles != DEFAULT_MAX_FILES) {
      flags.add("--flow-log-max-files");
    }
    return List.copyOf(flags);
  }
}
