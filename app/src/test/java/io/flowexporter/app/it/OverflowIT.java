package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --max-series} on a real KRaft broker: one instance owning four partitions, a bound far
 * below the label sets of the input. Every line on /metrics has its own label set (each owner
 * partition's overflow series is told apart by {@code overflow_partition}), the bytes of all lines
 * add up to every byte counted, and the exporter's own metrics say how many series it exposes and
 * that label sets went to the overflow series.
 */
class OverflowIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void overflowSeriesOfEachOwnerPartitionAreDistinctAndTotalsStayExact(@TempDir Path dir)
      throws Exception {
    String topic = "flows-overflow";
    Topics.create(broker.bootstrapServers(), topic, 4);
    PmacctRecords records = new PmacctRecords(23);
    Topics.produce(broker.bootstrapServers(), topic, records, 3000);
    assertThat(records.expected.series()).hasSizeGreaterThan(8); // well above the bound
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            ExporterArgs.fromTheBeginning(
                broker.bootstrapServers(),
                topic,
                dir.resolve("state"),
                "it-overflow",
                "--max-series",
                "4"))) {
      String[] body = {null};
      Await.until(
          Duration.ofSeconds(120),
          () -> {
            if (!exporter.isAlive()) {
              throw new AssertionError("exporter exited early:\n" + exporter.log());
            }
            body[0] = metrics(exporter.metricsPort());
            return body[0] != null && bytes(body[0]) == records.expected.totalBytes();
          },
          () ->
              "bytes on /metrics "
                  + (body[0] == null ? "(none)" : bytes(body[0]))
                  + ", expected "
                  + records.expected.totalBytes()
                  + "\n"
                  + exporter.log());

      Set<String> labelSets = new TreeSet<>();
      Set<String> overflowPartitions = new TreeSet<>();
      for (String line : body[0].split("\n")) {
        if (line.startsWith("flow_receive_bytes_total{")
            || line.startsWith("flow_transmit_bytes_total{")) {
          String series = line.substring(0, line.lastIndexOf(' '));
          assertThat(labelSets.add(series)).as("one line per label set: " + series).isTrue();
          Map<String, String> labels = Scrape.labels(series.substring(series.indexOf('{')));
          if (labels.containsKey("overflow_partition")) {
            assertThat(labels)
                .containsEntry("source_as", "other")
                .containsEntry("hostname", "other");
            overflowPartitions.add(labels.get("overflow_partition"));
          }
        }
      }
      assertThat(overflowPartitions)
          .as("overflow series of several owner partitions")
          .hasSizeGreaterThan(1);
      // What the exporter says of its series, for alerts on the bound.
      Scrape scrape = Scrape.parse(body[0]);
      assertThat(scrape.family("flow_exporter_series").get(Map.of("family", "as")))
          .as("flow_exporter_series{family=\"as\"}: every AS label set, overflow series included")
          .isEqualTo((double) labelSets.size());
      assertThat(scrape.family("flow_exporter_series_overflow_total").get(Map.of("family", "as")))
          .as("flow_exporter_series_overflow_total{family=\"as\"}")
          .isPositive();
      exporter.stopCleanly();
    }
  }

  /** The bytes of every line of both AS byte counters, as Prometheus would sum them. */
  private static long bytes(String body) {
    Map<String, Long> lines = new HashMap<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("flow_receive_bytes_total{")
          || line.startsWith("flow_transmit_bytes_total{")) {
        int space = line.lastIndexOf(' ');
        // Prometheus keeps one sample per label set and scrape: so does this sum.
        lines.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
      }
    }
    return lines.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String metrics(int port) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
