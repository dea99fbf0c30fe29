package io.flowexporter.app.flows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.app.kafka.KafkaRefusals;
import io.flowexporter.app.logging.RepeatingFailureLog;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the flow API: {@code GET /api/v1/flows/tap} and {@code GET
 * /api/v1/flows/search}. Checks the bearer token (401 without one, 403 with a wrong one), parses
 * the query (400 with {@code {"error": {"parameter": ..., "message": ...}}}, nothing started),
 * admits at most {@code maxScans} scans at a time (then 429 with {@code Retry-After}), and runs the
 * scan on the request's own thread, answering NDJSON, or server-sent events to a client that
 * accepts {@code text/event-stream}. Logs two audit lines per scan, with the token's name, never
 * the token.
 */
public final class FlowApi {

  public static final String TAP = "/api/v1/flows/tap";
  public static final String SEARCH = "/api/v1/flows/search";
  public static final int DEFAULT_MAX_SCANS = 4;
  static final String RETRY_AFTER_SECONDS = "5";

  /**
   * The audit lines' logger: at INFO whatever the log level (LogSetup, deploy/logback.xml), so that
   * an operator who quietens the log does not lose the record of who looked at which flows.
   */
  public static final String AUDIT_LOGGER = "io.flowexporter.app.flows.audit";

  private static final Logger AUDIT = LoggerFactory.getLogger(AUDIT_LOGGER);

  private final ApiTokens tokens;
  private final FlowScanner scanner;
  private final Semaphore scans;
  private final RepeatingFailureLog startFailures =
      new RepeatingFailureLog(
          LoggerFactory.getLogger(FlowApi.class), "A flow scan could not start (a fault of ours)");
  private final AtomicLong scanIds = new AtomicLong();
  private final int maxScans;
  private final Clock clock;
  private final KafkaRefusals refusals;

  private final UnknownTokenAudit unknownTokens = new UnknownTokenAudit(AUDIT::warn);

  /** Kafka's refusals as they are. */
  public FlowApi(ApiTokens tokens, FlowScanner scanner, int maxScans, Clock clock) {
    this(tokens, scanner, maxScans, clock, null);
  }

  /**
   * @param refusals says a refusal by Kafka (login, TLS, ACL) of a scan's consumer in the
   *     exporter's words; null: Kafka's message as it is
   */
  public FlowApi(
      ApiTokens tokens, FlowScanner scanner, int maxScans, Clock clock, KafkaRefusals refusals) {
    this.refusals = refusals;
    if (maxScans < 1) {
      throw new IllegalArgumentException("at least one scan at a time");
    }
    this.tokens = tokens;
    this.scanner = scanner;
    this.maxScans = maxScans;
    this.scans = new Semaphore(maxScans);
    this.clock = clock;
  }

  /** A failed scan's cause for the log: the refusal in the exporter's words, else Kafka's. */
  private String explain(Exception e) {
    Throwable cause =
        e instanceof FlowScan.ScanFailedException && e.getCause() != null ? e.getCause() : e;
    return refusal(cause)
        .orElse(e instanceof FlowScan.ScanFailedException ? e.getMessage() : e.toString());
  }

  /**
   * Kafka's refusal (login, TLS, ACL) in the exporter's words, as /readyz says it, if it is one.
   */
  private Optional<String> refusal(Throwable failure) {
    return refusals == null
        ? Optional.empty()
        : refusals.classify(failure).map(KafkaRefusals.Refusal::message);
  }

  /** Adds the routes to a server. */
  public void mount(Javalin app) {
    app.get(TAP, ctx -> handle(ctx, FlowQuery.Kind.TAP));
    app.get(SEARCH, ctx -> handle(ctx, FlowQuery.Kind.SEARCH));
    // Any other method: 405 saying which one serves, not an empty 200 (HEAD) or a 404.
    for (String path : new String[] {TAP, SEARCH}) {
      app.head(path, FlowApi::onlyGet);
      app.post(path, FlowApi::onlyGet);
      app.put(path, FlowApi::onlyGet);
      app.patch(path, FlowApi::onlyGet);
      app.delete(path, FlowApi::onlyGet);
      app.options(path, FlowApi::onlyGet);
    }
  }

  private static void onlyGet(Context ctx) {
    ctx.header("Allow", "GET");
    error(ctx, HttpStatus.METHOD_NOT_ALLOWED, null, "only GET is served here");
  }

  /** Scans running now. */
  public int activeScans() {
    return maxScans - scans.availablePermits();
  }

  private void handle(Context ctx, FlowQuery.Kind kind) throws IOException {
    unknownTokens.writeIfDue(System.nanoTime());
    ctx.header("Cache-Control", "no-store");
    String auth = ctx.header("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.header("WWW-Authenticate", "Bearer");
      error(
          ctx,
          HttpStatus.UNAUTHORIZED,
          null,
          "an API token is needed: Authorization: Bearer <token>");
      return;
    }
    ApiTokens.Verdict who = tokens.check(auth.substring(7).trim());
    if (who.noneValid()) {
      ctx.header("WWW-Authenticate", "Bearer");
      error(
          ctx,
          HttpStatus.UNAUTHORIZED,
          null,
          "no API token is accepted now; the exporter's log says why");
      return;
    }
    if (!who.accepted()) {
      unknownTokens.refused(ctx.ip(), System.nanoTime());
      error(ctx, HttpStatus.FORBIDDEN, null, "this token is not one of the API's tokens");
      return;
    }
    FlowQuery query;
    try {
      query = FlowQuery.parse(kind, ctx.queryString(), clock.instant());
    } catch (FlowQueryException e) {
      error(ctx, HttpStatus.BAD_REQUEST, e.parameter(), e.getMessage());
      return;
    }
    if (!scans.tryAcquire()) {
      ctx.header("Retry-After", RETRY_AFTER_SECONDS);
      error(
          ctx,
          HttpStatus.TOO_MANY_REQUESTS,
          null,
          "at most " + maxScans + " scans at a time; try again later");
      return;
    }
    try {
      scan(ctx, query, who.name());
    } finally {
      scans.release();
    }
  }

  private void scan(Context ctx, FlowQuery query, String who) throws IOException {
    // "flow search #12 by alice from 192.0.2.44: search ip=...": the start and end lines of one
    // scan begin alike (the number tells concurrent ones apart), and each says who asked for what.
    String kind = query.kind().name().toLowerCase(Locale.ROOT) + " #" + scanIds.incrementAndGet();
    String scanOf = "flow " + kind + " by " + who + " from " + ctx.ip() + ": " + query.describe();
    // Before the first flow leaves, so that a scan cut short by a crash is on record too.
    AUDIT.info("{}", scanOf);
    FlowScan scan;
    try {
      scan = scanner.open(query);
    } catch (KafkaException e) {
      // Why, on the audit line itself: a separate warning would be one more line per request
      // while Kafka refuses (a dashboard polling the tap).
      AUDIT.info(
          "{}: ended by error (it could not start: {}): 0 flows returned", scanOf, explain(e));
      // A refusal as the exporter explains it on /readyz: what to fix, not Kafka's exception.
      error(
          ctx,
          HttpStatus.SERVICE_UNAVAILABLE,
          null,
          refusal(e).orElse("Kafka did not answer: " + e.getMessage()));
      return;
    } catch (RuntimeException e) {
      // A fault of ours, not of the request or of Kafka: on record with its stack (at most a line
      // a minute while it lasts: a dashboard may poll the tap), the cause on the audit line, and
      // still a JSON answer, which names the scan rather than our internals.
      startFailures.failed(e, System.nanoTime());
      AUDIT.info(
          "{}: ended by error (it could not start: {}): 0 flows returned", scanOf, e.toString());
      error(
          ctx,
          HttpStatus.INTERNAL_SERVER_ERROR,
          null,
          "internal error: the scan could not start; the exporter's log has flow " + kind);
      return;
    }
    try (scan) {
      ScanEnd end = null;
      String why = "";
      try {
        FlowWriter out = startAnswer(ctx);
        try (OverdueScans.Watch overdue = OverdueScans.watch(scan.deadline(), () -> cut(ctx))) {
          end = scan.run(out);
          if (end.reason().equals("client") && overdue.fired()) {
            // Its write failed because the connection was cut, not because the client left.
            end = new ScanEnd("timeout", end.flows(), end.scanned(), end.ms());
            why = " (the client stopped reading: its connection was closed)";
          }
        }
      } catch (FlowScan.ScanFailedException e) {
        why = " (" + explain(e) + ")";
        end = e.end;
      } finally {
        // Every scan that started has its end line, whatever ended it.
        if (end == null) {
          AUDIT.info("{}: ended by error", scanOf);
        } else {
          AUDIT.info(
              "{}: ended by {}{}: {} flows returned, {} records scanned, {} ms",
              scanOf,
              end.reason(),
              why,
              end.flows(),
              end.scanned(),
              end.ms());
        }
      }
    }
  }

  /** The 200 answer's head, and the writer of its body in the format the client accepts. */
  private static FlowWriter startAnswer(Context ctx) throws IOException {
    ctx.disableCompression();
    // The raw stream: each flush reaches the client at once, with no compression buffering it.
    FlowWriter out = FlowWriter.forAccept(ctx.header("Accept"), ctx.res().getOutputStream());
    ctx.status(HttpStatus.OK);
    ctx.res().setContentType(out.contentType());
    // Proxies such as nginx would otherwise hold the stream back.
    ctx.header("X-Accel-Buffering", "no");
    return out;
  }

  /**
   * Closes the request's connection, failing a write blocked on it: a scan past its timeout whose
   * client stopped reading ({@link OverdueScans}).
   */
  private static void cut(Context ctx) {
    org.eclipse.jetty.server.Request.getBaseRequest(ctx.req())
        .getHttpChannel()
        .abort(new java.util.concurrent.TimeoutException("the scan's timeout has passed"));
  }

  private static void error(Context ctx, HttpStatus status, String parameter, String message) {
    StringBuilder json = new StringBuilder("{\"error\":{");
    if (parameter != null) {
      json.append("\"parameter\":").append(quote(parameter)).append(',');
    }
    json.append("\"message\":").append(quote(message)).append("}}\n");
    ctx.status(status).contentType("application/json").result(json.toString());
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
