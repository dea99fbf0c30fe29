package io.flowexporter.app.kafka;

import io.flowexporter.topology.aggregate.UnreadableFormatException;
import java.util.Optional;

/**
 * Recognises a stream thread's failure on data under the application id that this version cannot
 * read ({@link UnreadableFormatException}, wherever Kafka Streams wrapped it), and says it in the
 * exporter's words: the topic, who could have written the data, and what to do. Such a failure
 * comes back in every new thread and on every instance, so the exporter stops at once.
 */
public final class UnreadableFormats {

  /** Kafka Streams wraps a processor's exception once or twice; a bound against cycles. */
  private static final int MAX_DEPTH = 20;

  private final String applicationId;
  private final String inputTopic;

  public UnreadableFormats(String applicationId, String inputTopic) {
    this.applicationId = applicationId;
    this.inputTopic = inputTopic;
  }

  /** The message to stop with, when the failure is such data; empty for any other failure. */
  public Optional<String> stopMessage(Throwable failure) {
    return find(failure).map(this::message);
  }

  static Optional<UnreadableFormatException> find(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
      if (t instanceof UnreadableFormatException unreadable) {
        return Optional.of(unreadable);
      }
    }
    return Optional.empty();
  }

  String message(UnreadableFormatException e) {
    String topic = e.topic(applicationId);
    if (e.newerVersion()) {
      return "Topic "
          + topic
          + " holds data of a newer version of flow-exporter, which this version cannot read ("
          + e.found()
          + "). Run that newer version for application id '"
          + applicationId
          + "'; to run this one instead, "
          + StartingOver.choices(applicationId, inputTopic);
    }
    return "Topic "
        + topic
        + " holds data that no version of flow-exporter writes ("
        + e.found()
        + "): another program wrote to it, or it is damaged. Either "
        + StartingOver.choices(applicationId, inputTopic);
  }
}
