package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances with one application id share a six-partition topic: the sum of their /metrics is
 * the input exactly. One stops (SIGTERM): the other two take over its partitions (from standby
 * replicas) and the sum stays exact. It starts again: it gets partitions back, and the sum is still
 * exact. No scrape of any instance shows a series lower than any instance had shown it. Each
 * instance's {@code /api/v1/top} (the console's data) shows what that instance owns.
 */
class InstancesIT {

  private static final int PARTITIONS = 6;
  private static final Duration EXACT_WITHIN = Duration.ofSeconds(120);
  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  void instancesSumToTheInputThroughStopAndRejoin(@TempDir Path dir) throws Exception {
    String topic = "flows-instances";
    Topics.create(broker.bootstrapServers(), topic, PARTITIONS);
    PmacctRecords records = new PmacctRecords(91);
    Topics.produce(broker.bootstrapServers(), topic, records, 3000);
    // Watches each instance: no series may go down, on one instance or as it moves to another.
    ScrapeRecorder scrapes = new ScrapeRecorder(300);
    try (ExporterGroup group =
        new ExporterGroup(
            broker.bootstrapServers(),
            topic,
            PARTITIONS,
            "it-instances",
            dir,
            List.of("a", "b", "c"))) {
      group.ports().forEach(scrapes::watch);
      for (String name : group.ports().keySet()) {
        group.start(name);
      }
      long t0 = System.nanoTime();
      group.awaitSum(records.expected, EXACT_WITHIN);
      long firstMs = ms(t0);

      long stopping = System.nanoTime();
      group.stopCleanly("c");
      long exitMs = ms(stopping);
      group.awaitSum(records.expected, EXACT_WITHIN);
      long takeoverMs = ms(stopping);
      Topics.produce(broker.bootstrapServers(), topic, records, 1500);
      group.awaitSum(records.expected, EXACT_WITHIN);

      long restarting = System.nanoTime();
      group.start("c");
      group.awaitSum(records.expected, EXACT_WITHIN);
      long rejoinMs = ms(restarting);
      Topics.produce(broker.bootstrapServers(), topic, records, 1500);
      group.awaitSum(records.expected, EXACT_WITHIN);
      Map<String, Double> partitions = group.partitions();
      System.out.printf(
          "instances: exact sum over a, b, c %d ms after start; c exited %d ms after SIGTERM, a+b exact with all %d"
              + " partitions %d ms after it; c rejoined and the sum exact again %d ms after its start; partitions now %s%n",
          firstMs, exitMs, PARTITIONS, takeoverMs, rejoinMs, partitions);
      // Each instance's console data (/api/v1/top) is what that instance owns: per peer AS, the
      // receive bytes of its own /metrics, which the sums above show to be its share alone.
      HttpClient http = HttpClient.newHttpClient();
      Map<String, Map<String, Long>> lastTop = new TreeMap<>();
      Map<String, Map<String, Long>> lastMetrics = new TreeMap<>();
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            lastTop.clear();
            lastMetrics.clear();
            for (Map.Entry<String, ExporterProcess> e : group.running().entrySet()) {
              int port = e.getValue().metricsPort();
              Map<String, Long> fromMetrics = new TreeMap<>();
              Scrape.of(port)
                  .family("flow_receive_bytes_total")
                  .forEach(
                      (labels, v) ->
                          fromMetrics.merge(labels.get("source_as"), v.longValue(), Long::sum));
              JsonNode top =
                  TopAnswers.get(http, port, "family=as&direction=receive&n=1000&history=false");
              if (top == null) {
                return false;
              }
              assertThat(top.path("scope").asText()).isEqualTo("instance");
              Map<String, Long> fromTop = new TreeMap<>();
              top.path("top")
                  .forEach(row -> fromTop.put(row.path("as").asText(), row.path("bytes").asLong()));
              lastTop.put(e.getKey(), fromTop);
              lastMetrics.put(e.getKey(), fromMetrics);
            }
            return lastTop.size() == 3
                && !lastTop.containsValue(Map.of())
                && lastTop.equals(lastMetrics);
          },
          () -> "/api/v1/top per instance " + lastTop + "\n/metrics per instance " + lastMetrics);
      scrapes.close();
      System.out.printf(
          "instances: %d scrapes, no series lower than before on its instance or on another%n",
          scrapes.samples().size());
      assertThat(scrapes.decreases()).as("series that went down on an instance").isEmpty();
      assertThat(scrapes.decreasesAcrossInstances())
          .as("series shown lower than another instance had shown them")
          .isEmpty();

      group.stopAllCleanly();
    } finally {
      scrapes.close();
    }
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
