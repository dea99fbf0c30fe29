package io.flowexporter.app.http;

import io.flowexporter.app.config.HttpConfig;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The HTTP endpoints, and nothing else: {@code /metrics} (traffic counters from the committed
 * totals, then the exporter's own meters), {@code /healthz} (the process is alive) and {@code
 * /readyz} (200 only while the stream is RUNNING); the console and the APIs add theirs.
 */
public final class MetricsServer implements AutoCloseable {

  /** Writes the traffic families for one scrape, in UTF-8. */
  @FunctionalInterface
  public interface FlowFamilies {
    void write(OutputStream out, boolean openMetrics) throws IOException;
  }

  static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  static final int GZIP_LEVEL = 1;

  private final Javalin app;

  private MetricsServer(Javalin app) {
    this.app = app;
  }

  private static Javalin routes(
      FlowFamilies flows,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      Supplier<String> state,
      HttpConfig http,
      WebTls tls) {
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              if (tls != null) {
                // The only connector: HTTPS on --addr, nothing in clear.
                cfg.jetty.addConnector(
                    (server, httpConfig) -> {
                      // No SNI host check: clients reach the exporter by address as often as by
                      // name.
                      httpConfig.addCustomizer(
                          new org.eclipse.jetty.server.SecureRequestCustomizer(false));
                      org.eclipse.jetty.server.ServerConnector c =
                          new org.eclipse.jetty.server.ServerConnector(
                              server,
                              new org.eclipse.jetty.server.SslConnectionFactory(
                                  tls.factory(), "http/1.1"),
                              new org.eclipse.jetty.server.HttpConnectionFactory(httpConfig));
                      c.setHost(http.host().isEmpty() ? null : http.host());
                      c.setPort(http.port());
                      return c;
                    });
              }
              // Prometheus asks for gzip. Level 1 instead of Javalin's default 6: a 10 MB scrape
              // (40,000 series) costs about 40 ms of CPU instead of 110 ms, for a body 25% larger.
              cfg.http.customCompression(new CompressionStrategy(null, new Gzip(GZIP_LEVEL)));
              // A known path asked with another method (POST /metrics, DELETE /api/...) is 405
              // with the methods it answers, not 404: the path is right, the method is not.
              cfg.http.prefer405over404 = true;
            });
    app.error(HttpStatus.METHOD_NOT_ALLOWED, MetricsServer::allowHeader);
    app.get("/metrics", ctx -> metrics(ctx, flows, registry));
    app.get("/healthz", ctx -> ctx.result("ok\n"));
    app.get(
        "/readyz",
        ctx -> {
          if (ready.getAsBoolean()) {
            ctx.result("ready\n");
          } else {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).result("not ready: " + state.get() + "\n");
          }
        });
    return app;
  }

  /**
   * RFC 9110 wants a 405 to name in {@code Allow} the methods the path answers; Javalin lists them
   * only in its body. Every path here is read-only: GET, and HEAD where Javalin answers it for GET
   * (a route that refuses HEAD, as the flow API's do, has already set its own).
   */
  private static void allowHeader(Context ctx) {
    if (ctx.res().getHeader("Allow") == null) {
      ctx.header("Allow", "GET, HEAD");
    }
  }

  /** Starts the server; the port is taken from the config (0: a free one). */
  public static MetricsServer start(
      HttpConfig http,
      FlowFamilies flows,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      Supplier<String> state) {
    return start(http, flows, registry, ready, state, app -> {});
  }

  /** Starts the server with more routes ({@code /api/...}) than its own. */
  public static MetricsServer start(
      HttpConfig http,
      FlowFamilies flows,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      Supplier<String> state,
      java.util.function.Consumer<Javalin> moreRoutes) {
    return start(http, flows, registry, ready, state, moreRoutes, null);
  }

  /**
   * Starts the server with more routes, over HTTPS when {@code tls} is given (every endpoint: there
   * is then no plain HTTP port).
   */
  public static MetricsServer start(
      HttpConfig http,
      FlowFamilies flows,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      Supplier<String> state,
      java.util.function.Consumer<Javalin> moreRoutes,
      WebTls tls) {
    Javalin app = routes(flows, registry, ready, state, http, tls);
    moreRoutes.accept(app);
    if (tls != null) {
      app.start();
      return new MetricsServer(app);
    }
    if (http.host().isEmpty()) {
      app.start(http.port());
    } else {
      app.start(http.host(), http.port());
    }
    return new MetricsServer(app);
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /**
   * Whether the client asks for OpenMetrics (Prometheus does, listing it first): a media range
   * {@code application/openmetrics-text}, in any case, not refused with {@code q=0}.
   */
  static boolean acceptsOpenMetrics(String accept) {
    if (accept == null) {
      return false;
    }
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      if (!parts[0].trim().equalsIgnoreCase("application/openmetrics-text")) {
        continue;
      }
      boolean refused = false;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        if (p.startsWith("q=")) {
          refused = p.substring(2).matches("0(\\.0{0,3})?");
        }
      }
      if (!refused) {
        return true;
      }
    }
    return false;
  }

  private static void metrics(Context ctx, FlowFamilies flows, PrometheusMeterRegistry registry)
      throws IOException {
    boolean openMetrics = acceptsOpenMetrics(ctx.header("Accept"));
    String contentType = openMetrics ? OPENMETRICS : TEXT_004;
    ctx.contentType(contentType);
    // The body depends on Accept: a cache between Prometheus and the exporter must know.
    ctx.header("Vary", "Accept");
    OutputStream out = ctx.outputStream();
    flows.write(out, openMetrics);
    // The meter registry writes the exporter's own meters, and "# EOF" for OpenMetrics.
    registry.scrape(out, contentType);
    out.flush();
  }

  @Override
  public void close() {
    app.stop();
  }
}
