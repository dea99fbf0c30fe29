package io.flowexporter.app.http;

import io.flowexporter.app.config.HttpConfig;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Consumer;

/** For tests of routes added to the exporter's server: ready, no series, a free loopback port. */
public final class RoutesServer {

  private RoutesServer() {}

  public static MetricsServer start(Consumer<Javalin> routes) {
    return start(routes, null);
  }

  /** The same over HTTPS with {@code tls}; plain HTTP when it is null. */
  public static MetricsServer start(Consumer<Javalin> routes, WebTls tls) {
    return MetricsServer.start(
        new HttpConfig("127.0.0.1", 0),
        (out, openMetrics) -> {},
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        () -> true,
        () -> "RUNNING",
        routes,
        tls);
  }
}
