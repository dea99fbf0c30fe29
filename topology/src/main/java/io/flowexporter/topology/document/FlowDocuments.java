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
 * @param maxBytes the largest document written: a record with more pmacct fields of its own keeps
 *     its ECS fields and loses the copy of the rest (see {@link EcsDocuments})
 */
public record FlowDocuments(
    FlowFilter filter, Optional<String> topic, Optional<DocumentLog> log, int maxBytes) {

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
    if (maxBytes < EcsDocuments.MIN_DOCUMENT_BYTES) {
      throw new IllegalArgumentException(
          "documents of at most " + maxBytes + " bytes: too small for a flow's ECS fields");
    }
  }

  /** Documents of up to {@link EcsDocuments#MAX_DOCUMENT_BYTES}. */
  public FlowDocuments(FlowFilter filter, Optional<String> topic, Optional<DocumentLog> log) {
    this(filter, topic, log, EcsDocuments.MAX_DOCUMENT_BYTES);
  }

  /** Whether any output is configured. */
  public boolean enabled() {
    return topic.isPresent() || log.isPresent();
  }
}
