package io.flowexporter.app.kafka;

import io.flowexporter.topology.FlowTopology;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
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

  private static final int ATTEMPTS = 3;
  private static final long RETRY_PAUSE_MS = 1000;

  private PreviousFormat() {}

  /**
   * The message to stop with when the application id holds only the previous format's changelog;
   * empty when the current format is there too (an upgraded id) or neither is; a message too when
   * Kafka does not list its topics in three attempts, as the check cannot be made.
   */
  public static Optional<String> check(
      Admin admin, String applicationId, String inputTopic, BooleanSupplier stopping)
      throws InterruptedException {
    String previous = applicationId + "-" + FlowTopology.PREVIOUS_STORE + "-changelog";
    String current = applicationId + "-" + FlowTopology.STORE + "-changelog";
    Set<String> topics = null;
    Exception failure = null;
    // The topic lookup just before reached Kafka, so a failure here is a passing one: try again.
    // Skipping the check instead would let the stream create the new changelog, after which no
    // later start could tell that 0.1's totals were left behind.
    for (int attempt = 0; attempt < ATTEMPTS && topics == null; attempt++) {
      if (attempt > 0) {
        Thread.sleep(RETRY_PAUSE_MS);
      }
      if (stopping.getAsBoolean()) {
        return Optional.empty(); // the exporter is stopping: it starts nothing anyway
      }
      try {
        topics =
            admin
                .listTopics(new ListTopicsOptions().listInternal(false).timeoutMs(15_000))
                .names()
                .get(20, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        failure = e;
      }
    }
    if (topics == null) {
      return Optional.of(
          "Kafka did not list its topics ("
              + (failure.getCause() != null ? failure.getCause() : failure)
              + "), which the start needs to check application id '"
              + applicationId
              + "' for totals of flow-exporter 0.1; start again once Kafka answers");
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
            + " owner, cannot read. Either "
            + StartingOver.choices(applicationId, inputTopic)
            + ". See docs/operations.md, 'Upgrading'.");
  }
}
