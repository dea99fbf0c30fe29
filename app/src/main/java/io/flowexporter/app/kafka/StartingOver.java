package io.flowexporter.app.kafka;

/**
 * The two ways to start over when an application id holds totals this version cannot read, in the
 * words every such refusal uses: a new id, or the old id reset with Kafka's tool.
 */
final class StartingOver {

  private StartingOver() {}

  /**
   * "start with a new --application-id (...), or stop every instance and reset this id with: ..."
   */
  static String choices(String applicationId, String inputTopic) {
    return "start with a new --application-id (counters start from zero; --from-beginning recounts"
        + " what the input topic still holds), or stop every instance and reset this id with:"
        + " kafka-streams-application-reset --bootstrap-server <brokers> --application-id "
        + applicationId
        + " --input-topics "
        + inputTopic
        + " (deletes its internal topics; counters start from zero)";
  }
}
