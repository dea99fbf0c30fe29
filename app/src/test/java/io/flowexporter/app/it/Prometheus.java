package io.flowexporter.app.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Prometheus ({@code apt-get install prometheus}) run by a test: it scrapes every target
 * once a second and answers PromQL on its HTTP API. {@link #close()} stops it however the test
 * ends; its data directory lives in the test's temporary directory.
 */
public final class Prometheus implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;
  private final int port;

  private Prometheus(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts Prometheus in {@code dir} and waits until it is ready. Fails (never skips) when the
   * program is missing, naming the Debian package.
   *
   * @param jobs job name to the loopback ports of its targets ({@code 127.0.0.1:port}, which is
   *     also each target's {@code instance} label)
   */
  public static Prometheus start(Path dir, Map<String, List<Integer>> jobs) throws IOException {
    Path binary = Programs.require("prometheus", "prometheus");
    Files.createDirectories(dir);
    StringBuilder config =
        new StringBuilder(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n");
    jobs.forEach(
        (job, ports) -> {
          config
              .append("  - job_name: ")
              .append(job)
              .append("\n    static_configs:\n      - targets: [");
          for (int i = 0; i < ports.size(); i++) {
            config
                .append(i == 0 ? "" : ", ")
                .append("'127.0.0.1:")
                .append(ports.get(i))
                .append('\'');
          }
          config.append("]\n");
        });
    Path file = Files.writeString(dir.resolve("prometheus.yml"), config);
    int port = ExporterProcess.freePort();
    Path log = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Prometheus prometheus = new Prometheus(ChildProcesses.track(p), log, port);
    try {
      Await.until(
          Duration.ofSeconds(60), () -> Scrape.status(port, "/-/ready") == 200, prometheus::log);
    } catch (RuntimeException | Error e) {
      prometheus.close();
      throw e;
    }
    return prometheus;
  }

  /** The instance label Prometheus gives the target on {@code port}. */
  public static String instance(int port) {
    return "127.0.0.1:" + port;
  }

  /** An instant query evaluated now: the {@code data.result} array. Fails the test on an error. */
  public JsonNode query(String promql) {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /** An instant query evaluated at {@code unixSeconds}. */
  public JsonNode queryAt(String promql, double unixSeconds) {
    return get(
        "/api/v1/query?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8)
            + "&time="
            + unixSeconds);
  }

  /** The single value of a query that returns one sample (e.g. {@code sum(...)}), 0 if none. */
  public double scalar(String promql) {
    JsonNode result = query(promql);
    if (result.size() > 1) {
      throw new AssertionError(promql + " returned " + result.size() + " series: " + result);
    }
    return result.isEmpty() ? 0 : Double.parseDouble(result.get(0).get("value").get(1).asText());
  }

  private JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new AssertionError("Prometheus query failed: " + pathAndQuery + ": " + r.body());
      }
      return body.get("data").get("result");
    } catch (IOException e) {
      throw new AssertionError("Prometheus query failed: " + pathAndQuery + "; log:\n" + log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** What Prometheus printed so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
