package io.flowexporter.topology.document;

import io.flowexporter.topology.filter.FlowFilter;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the counting writes flow documents, decided once at start-up.
 *
 * @param filter which counted records become documents
 * @param topic the Kafka topic they are produced to from inside the counting transaction ({@code
 *     --flow-topic}), if any
 * @param log the file they are appended to ({@code --flow-log}), if any
 */
public record FlowDocuments(FlowFilter filter, Optional<String> topic, Optional<DocumentLog> log) {

  /** No documents: the counting does nothing more per record than a null check. */
  public static final FlowDocuments NONE =
      new FlowDocuments(FlowFilter.ALL, Optional.empty(), Optional.empty());

  public FlowDocuments {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(log, "log");
    if (topic.isPresent() && topic.get().isBlank()) {
      throw new IllegalArgumentException("flow topic is empty");
    }
  }

  /** Whether any output is configured. */
  public boolean enabled() {
    return topic.isPresent() || log.isPresent();
  }
}
