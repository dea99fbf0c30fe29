package io.flowexporter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.it.Await;
import io.flowexporter.app.it.ExporterProcess;
import io.flowexporter.app.it.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as the README's first command runs it, {@code java -jar flow-exporter-demo.jar demo} in
 * a child process: the counters appear on /metrics with AS names and grow; Ctrl-C (SIGINT) stops it
 * with status 0 and its temporary directory is gone.
 */
class DemoIT {

  private static final Pattern TEMP_DIR = Pattern.compile("\\[demo] temporary files in (\\S+)");

  @Test
  void demoShowsGrowingCountersAndCleansUpOnCtrlC(@TempDir Path dir) {
    int port = ExporterProcess.freePort();
    long start = System.nanoTime();
    try (ExporterProcess demo =
        ExporterProcess.startRaw(
            dir.resolve("demo.log"),
            Map.of(),
            port,
            "demo",
            "--port",
            Integer.toString(port),
            "--rate",
            "300",
            "--status-interval",
            "2")) {
      double[] first = {0};
      Await.until(
          Duration.ofSeconds(90),
          () -> {
            assertThat(demo.isAlive()).as("demo running; log:\n%s", demo.log()).isTrue();
            Scrape s = Scrape.of(port);
            if (s == null
                || s.family("flow_receive_bytes_total").isEmpty()
                || s.family("flow_transmit_bytes_total").isEmpty()) {
              return false;
            }
            first[0] = sum(s, "flow_receive_bytes_total") + sum(s, "flow_transmit_bytes_total");
            return true;
          },
          demo::log);
      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      System.out.println(
          "[DemoIT] traffic counters appeared " + seconds + " s after the demo started");

      Scrape named = Scrape.of(port);
      assertThat(named.family("flow_receive_bytes_total").keySet())
          .anySatisfy(
              labels -> {
                assertThat(labels.get("destination_as")).isEqualTo("64500");
                assertThat(labels.get("destination_as_name")).isEqualTo("Example Operator");
                assertThat(labels.get("source_as_name")).isNotEmpty();
                assertThat(labels.get("hostname")).startsWith("edge");
              });
      // Countries from the sample country database: the sample peers' networks are in it. The first
      // scrape may hold only the first few flows' countries, so wait for a United States peer.
      Await.until(
          Duration.ofSeconds(30),
          () -> {
            Scrape s = Scrape.of(port);
            return s != null
                && s.family("flow_country_receive_bytes_total").keySet().stream()
                    .anyMatch(
                        labels ->
                            "US".equals(labels.get("country"))
                                && "United States".equals(labels.get("country_name"))
                                && labels.get("hostname").startsWith("edge"));
          },
          () -> "no US country series on /metrics; country series: " + countrySeries(port));
      Await.until(
          Duration.ofSeconds(30),
          () -> {
            Scrape s = Scrape.of(port);
            return s != null
                && sum(s, "flow_receive_bytes_total") + sum(s, "flow_transmit_bytes_total")
                    > first[0];
          },
          () -> "counters did not grow past " + first[0]);

      Matcher m = TEMP_DIR.matcher(demo.log());
      assertThat(m.find()).as("demo prints its temporary directory").isTrue();
      Path temp = Path.of(m.group(1));
      assertThat(temp).isDirectory();
      assertThat(demo.log())
          .contains(
              "[demo] Kafka broker up at 127.0.0.1:",
              "[demo] topic pmacct.flows created",
              "8 * sum by (source_as_name) (rate(flow_receive_bytes_total[5m]))");
      // Status lines come every 2 s here; the counters may have grown before the first one.
      Await.until(
          Duration.ofSeconds(30), () -> demo.log().contains("[demo] status: RUNNING"), demo::log);

      demo.interrupt();
      assertThat(demo.waitFor(Duration.ofSeconds(60)))
          .as("exit status after Ctrl-C; log:\n%s", demo.log())
          .isZero();
      assertThat(Files.exists(temp)).as("%s removed", temp).isFalse();
    }
  }

  private static Object countrySeries(int port) {
    Scrape s = Scrape.of(port);
    return s == null ? "(no answer)" : s.family("flow_country_receive_bytes_total").keySet();
  }

  private static double sum(Scrape s, String family) {
    return s.family(family).values().stream().mapToDouble(Double::doubleValue).sum();
  }
}
