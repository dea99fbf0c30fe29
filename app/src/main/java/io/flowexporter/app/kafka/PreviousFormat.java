package io.flowexporter.app.kafka;

import io.flowexporter.topology.FlowTopology;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/**
 * Finds totals that flow-exporter 0.1 left under this application id. Its changelog held
 * per-input-partition totals of the AS family (store {@code flow-totals}, format 1); this version
 * keeps each series in one owner's store ({@code series-totals}, formats 2 and 3) and cannot turn
 * the old per-partition totals into owner totals without counting some twice. Starting over
 * silently would reset every counter while the operator believes they continue; so the exporter
 * refuses, and says what to do.
 */
public final class PreviousFormat {

  private PreviousFormat() {}

  /**
   * The message to stop with when the application id holds only the previous format's changelog;
   * empty when the current format is there too (an upgraded id) or neither is.
   */
  public static Optional<String> check(Admin admin, String applicationId, String inputTopic)
      throws InterruptedException {
    String previous = applicationId + "-" + FlowTopology.PREVIOUS_STORE + "-changelog";
    String current = applicationId + "-" + FlowTopology.STORE + "-changelog";
    Set<String> topics;
    try {
      topics =
          admin
              .listTopics(new ListTopicsOptions().listInternal(false).timeoutMs(15_000))
              .names()
              .get(20, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // The stream's own start-up reports unreachable brokers; this check is not the place.
      return Optional.empty();
    }
    if (!topics.contains(previous) || topics.contains(current)) {
      return Optional.empty();
    }
    return Optional.of(
        "Application id '"
            + applicationId
            + "' holds totals in the format of flow-exporter 0.1 (topic "
            + previous
            + "): per-input-partition totals that this version, where each series has one"
            + " owner, cannot read. Either start with a new --application-id (counters start from"
            + " zero; --from-beginning recounts what the input topic still holds), or stop every"
            + " instance and reset this id with: kafka-streams-application-reset --bootstrap-server <brokers>"
            + " --application-id "
            + applicationId
            + " --input-topics "
            + inputTopic
            + " (deletes its internal topics; counters start from zero). See docs/operations.md, 'Upgrading'.");
  }
}
