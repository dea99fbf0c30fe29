package io.flowexporter.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.config.HttpConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The endpoints over real HTTP on a free loopback port. */
class MetricsServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTrafficFamiliesThenTheRegistryInBothFormats() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("flow.exporter.records")
        .tag("outcome", "counted")
        .register(registry)
        .increment(3);
    AtomicBoolean ready = new AtomicBoolean();
    MetricsServer.FlowFamilies flows =
        (out, openMetrics) ->
            out.write(
                "flow_receive_bytes_total{hostname=\"a\"} 5\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (MetricsServer server =
        MetricsServer.start(
            new HttpConfig("127.0.0.1", 0), flows, registry, ready::get, () -> "REBALANCING")) {
      int port = server.port();
      HttpResponse<String> text = get(port, "/metrics", null);
      assertThat(text.statusCode()).isEqualTo(200);
      assertThat(text.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/plain; version=0.0.4");
      assertThat(text.body())
          .startsWith("flow_receive_bytes_total{hostname=\"a\"} 5\n")
          .contains("flow_exporter_records_total{outcome=\"counted\"} 3");

      HttpResponse<String> om =
          get(port, "/metrics", "application/openmetrics-text; version=1.0.0,text/plain;q=0.5");
      assertThat(om.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("application/openmetrics-text");
      assertThat(om.body()).endsWith("# EOF\n");
      assertThat(om.headers().firstValue("Vary").orElseThrow()).isEqualTo("Accept");

      assertThat(get(port, "/healthz", null).statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(port, "/readyz", null);
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("REBALANCING");
      ready.set(true);
      assertThat(get(port, "/readyz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anotherMethodOnAKnownPathIsMethodNotAllowedNamingGet() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MetricsServer server =
        MetricsServer.start(
            new HttpConfig("127.0.0.1", 0), (out, om) -> {}, registry, () -> true, () -> "")) {
      URI metrics = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
      for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(metrics)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).as(method).contains("GET, HEAD");
      }
      HttpResponse<String> head =
          http.send(
              HttpRequest.newBuilder(metrics)
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(get(server.port(), "/nothing-here", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void openMetricsOnlyWhenAskedForAndNotRefused() {
    // What Prometheus sends.
    assertThat(
            MetricsServer.acceptsOpenMetrics(
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                    + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"))
        .isTrue();
    assertThat(MetricsServer.acceptsOpenMetrics("Application/OpenMetrics-Text; version=1.0.0"))
        .isTrue();
    assertThat(MetricsServer.acceptsOpenMetrics(null)).isFalse();
    assertThat(MetricsServer.acceptsOpenMetrics("text/plain;version=0.0.4")).isFalse();
    assertThat(MetricsServer.acceptsOpenMetrics("application/openmetrics-text;q=0, text/plain"))
        .isFalse();
    assertThat(MetricsServer.acceptsOpenMetrics("application/openmetrics-text; q=0.000")).isFalse();
    assertThat(MetricsServer.acceptsOpenMetrics("application/openmetrics-text; q=0.1")).isTrue();
  }
}
