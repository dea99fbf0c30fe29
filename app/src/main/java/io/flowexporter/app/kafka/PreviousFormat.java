package io.flowexporter.app.kafka;

import io.flowexporter.topology.FlowTopology;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds totals that flow-exporter 0.1 left under this application id. Its changelog held
 * per-input-partition totals of the AS family (store {@code flow-totals}, format 1); this version
 * keeps each series in one owner's store ({@code series-totals}, formats 2 and 3) and cannot turn
 * the old per-partition totals into owner totals without counting some twice. Starting over
 * silently would reset every counter while the operator believes they continue; so the exporter
 * refuses, and says what to do.
 */
public final class PreviousFormat {

  private static final Logger LOG = LoggerFactory.getLogger(PreviousFormat.class);

  private PreviousFormat() {}

  /**
   * The message to stop with when the application id holds only the previous format's changelog;
   * empty when the current format is there too (an upgraded id) or neither is, or when the exporter
   * was asked to stop first. Kafka is asked until it lists its topics: skipping the check instead
   * would let the stream create the new changelog, after which no later start could tell that 0.1's
   * totals were left behind.
   */
  public static Optional<String> check(
      Admin admin, String applicationId, String inputTopic, UntilKafkaAnswers kafka)
      throws InterruptedException {
    String previous = applicationId + "-" + FlowTopology.PREVIOUS_STORE + "-changelog";
    String current = applicationId + "-" + FlowTopology.STORE + "-changelog";
    Optional<Set<String>> listed =
        kafka.ask(
            LOG,
            null,
            "its list of topics, to check application id '"
                + applicationId
                + "' for totals of flow-exporter 0.1",
            () ->
                admin
                    .listTopics(new ListTopicsOptions().listInternal(false).timeoutMs(15_000))
                    .names()
                    .get(20, TimeUnit.SECONDS));
    if (listed.isEmpty()) {
      return Optional.empty(); // the exporter is stopping: it starts nothing anyway
    }
    Set<String> topics = listed.get();
    if (!topics.contains(previous) || topics.contains(current)) {
      return Optional.empty();
    }
    return Optional.of(
        "Application id '"
            + applicationId
            + "' holds totals in the format of flow-exporter 0.1 (topic "
            + previous
            + "): per-input-partition totals that this version, where each series has one"
            + " owner, cannot read. Either "
            + StartingOver.choices(applicationId, inputTopic)
            + ". See docs/operations.md, 'Upgrading'.");
  }
}
