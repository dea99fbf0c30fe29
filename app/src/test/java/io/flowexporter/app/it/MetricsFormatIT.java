package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter's whole /metrics answer at 100,000 series (its traffic families, and the JVM,
 * process and Kafka meters beside them), in both formats, passes Prometheus' own linter, {@code
 * promtool check metrics} (Debian's prometheus package).
 */
class MetricsFormatIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  private static final int SERIES = 100_000;
  private static final Pattern NO_HELP = Pattern.compile("^(\\w+) no help text$");

  @Test
  void promtoolPassesTheTextAndOpenMetricsAnswersAt100kSeries(@TempDir Path dir) throws Exception {
    String topic = "flows-format";
    Topics.create(broker.bootstrapServers(), topic, 2);
    // One label set per record: a peer AS of its own, received on one of three routers.
    List<byte[]> messages = new ArrayList<>();
    StringBuilder message = new StringBuilder();
    for (int i = 0; i < SERIES; i++) {
      message
          .append("{\"label\": \"edge")
          .append(i % 3)
          .append("\", \"as_src\": ")
          .append(100_000 + i)
          .append(", \"as_dst\": 64500, \"packets\": 2, \"bytes\": ")
          .append(100 + i)
          .append("}\n");
      if (i % 200 == 199) {
        messages.add(message.toString().getBytes(StandardCharsets.UTF_8));
        message.setLength(0);
      }
    }
    Topics.produceBytes(broker.bootstrapServers(), topic, messages);
    String[] args = {
      "--brokers",
      broker.bootstrapServers(),
      "--topic",
      topic,
      "--asn",
      "64500",
      "--state-dir",
      dir.resolve("state").toString(),
      "--application-id",
      "it-format",
      "--from-beginning",
      "--commit-interval",
      "300"
    };
    try (ExporterProcess exporter =
        ExporterProcess.start(dir.resolve("exporter.log"), Map.of(), args)) {
      Await.until(
          Duration.ofSeconds(300),
          () -> {
            Scrape s = Scrape.of(exporter.metricsPort());
            // Every series published, as /metrics shows them.
            return s != null
                && s.value("flow_exporter_records_total{outcome=\"counted\"}") == SERIES
                && s.family("flow_receive_bytes_total").size() == SERIES;
          },
          () -> "100,000 series on /metrics; log:\n" + exporter.log());

      // kept in target/ for a look when promtool complains
      Path out = Files.createDirectories(Path.of("target", "metrics-format-it"));
      String text = get(exporter.metricsPort(), null);
      assertThat(text.lines().filter(l -> l.startsWith("flow_receive_bytes_total{")))
          .hasSize(SERIES);
      assertThat(text.lines())
          .as("the series count is that of /metrics")
          .contains("flow_exporter_series{family=\"as\"} " + SERIES + ".0");
      assertThat(ownProblems(promtool(out.resolve("text.prom"), text), Set.of())).isEmpty();

      String openMetrics =
          get(exporter.metricsPort(), "application/openmetrics-text; version=1.0.0");
      assertThat(openMetrics).endsWith("# EOF\n");
      assertThat(openMetrics.lines().filter(l -> l.startsWith("flow_receive_bytes_total{")))
          .hasSize(SERIES);
      // promtool reads the text format: OpenMetrics names a counter family without its _total
      // (# TYPE flow_receive_bytes counter), so the _total samples look like families of their own
      // without help. That is allowed; no parse error and no other problem is.
      Set<String> counterFamilies = new TreeSet<>();
      openMetrics
          .lines()
          .filter(l -> l.startsWith("# TYPE ") && l.endsWith(" counter"))
          .forEach(l -> counterFamilies.add(l.split(" ")[2]));
      // promtool's parser also takes \\" in a HELP text as an invalid escape, which OpenMetrics
      // requires for a quote (Kafka's descriptions have some): those are unescaped first.
      String helpUnescaped =
          openMetrics
              .lines()
              .map(l -> l.startsWith("# HELP ") ? l.replace("\\\"", "\"") : l)
              .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
      assertThat(
              ownProblems(
                  promtool(out.resolve("openmetrics.prom"), helpUnescaped), counterFamilies))
          .isEmpty();
      exporter.stopCleanly();
    }
  }

  /**
   * promtool's problems with the exporter's own families ({@code flow_*}). It must parse the whole
   * answer (status 0, or 3 for lint problems). The libraries' meters keep the names Micrometer
   * gives them, which dashboards use, and some fail promtool's naming lint (Kafka's {@code
   * kafka_*_io_time_ns_total}, {@code kafka_*_connection_count}, Micrometer's {@code
   * process_cpu_time_ns_total}, {@code system_cpu_count}): those are not the exporter's to rename.
   *
   * @param counterFamilies OpenMetrics counter families, whose {@code _total} samples promtool
   *     reports as without help
   */
  private static List<String> ownProblems(Result lint, Set<String> counterFamilies) {
    assertThat(lint.status).as("promtool parses the answer: %s", lint.output).isIn(0, 3);
    List<String> own = new ArrayList<>();
    for (String problem : lint.output.strip().lines().toList()) {
      String name = problem.split(" ", 2)[0];
      Matcher m = NO_HELP.matcher(problem);
      boolean openMetricsTotal =
          m.matches()
              && name.endsWith("_total")
              && counterFamilies.contains(name.substring(0, name.length() - "_total".length()));
      if (name.startsWith("flow_") && !openMetricsTotal) {
        own.add(problem);
      }
    }
    return own;
  }

  private static String get(int port, String accept) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(60));
    if (accept != null) {
      b.header("Accept", accept);
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private record Result(int status, String output) {}

  private static Result promtool(Path file, String metrics) throws Exception {
    Files.writeString(file, metrics, StandardCharsets.UTF_8);
    Path promtool = Programs.require("promtool", "prometheus");
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("promtool finishes").isTrue();
    return new Result(p.exitValue(), output);
  }
}
