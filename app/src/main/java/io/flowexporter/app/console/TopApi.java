package io.flowexporter.app.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.filter.FlowFilterException;
import io.flowexporter.topology.filter.QueryPair;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET
 * /api/v1/top?family=as|country|port|router&direction=receive|transmit&n=10&history=true}: the
 * busiest entities of this instance by bits per second now, with their committed totals and a
 * history for sparklines (left out with {@code history=false}), and the instance's total; {@code
 * GET /api/v1/console}: what this instance ranks. Open like /metrics: they show nothing /metrics
 * does not.
 *
 * <p>A bad or unknown parameter answers 400 with {@code {"error": {"parameter": ..., "message":
 * ...}}}, as the flow API does.
 */
public final class TopApi {

  public static final String TOP = "/api/v1/top";
  public static final String CONSOLE = "/api/v1/console";
  public static final int DEFAULT_N = 10;
  public static final int MAX_N = 1000;

  private static final Set<String> PARAMETERS = Set.of("family", "direction", "n", "history");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final RateSampler sampler;
  private final AsnLookup asn;
  private final CountryLookup countries;
  private final boolean flowApi;

  /**
   * @param flowApi whether this instance serves the flow API (the console offers its forms)
   */
  public TopApi(RateSampler sampler, AsnLookup asn, CountryLookup countries, boolean flowApi) {
    this.sampler = sampler;
    this.asn = asn;
    this.countries = countries;
    this.flowApi = flowApi;
  }

  /** Adds the routes. */
  public void mount(Javalin app) {
    app.get(TOP, this::top);
    app.get(CONSOLE, this::console);
  }

  /** A query parameter that cannot be used: answered with 400. */
  static final class BadParameter extends Exception {
    private static final long serialVersionUID = 1L;
    final String parameter;

    BadParameter(String parameter, String message) {
      super(message);
      this.parameter = parameter;
    }
  }

  /**
   * The parsed query of {@code /api/v1/top}.
   *
   * @param history whether the answer carries the histories: a reader that draws no sparklines (the
   *     console's map) saves up to 180 numbers per entity
   */
  record TopQuery(Dimension dimension, Direction direction, int n, boolean history) {}

  /** Parses the query, every parameter given at most once. */
  static TopQuery parse(Map<String, List<String>> query, List<Dimension> counted)
      throws BadParameter {
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      if (!PARAMETERS.contains(e.getKey())) {
        throw new BadParameter(
            e.getKey(), "unknown parameter; known: family, direction, n, history");
      }
      if (e.getValue().size() > 1) {
        throw new BadParameter(e.getKey(), "given more than once");
      }
    }
    String family =
        one(query, "family")
            .orElseThrow(
                () -> new BadParameter("family", "missing; one of " + Dimension.choices()));
    Dimension dimension =
        Dimension.of(family.toLowerCase(Locale.ROOT))
            .orElseThrow(
                () ->
                    new BadParameter(
                        "family", "'" + family + "' is not one of " + Dimension.choices()));
    if (!counted.contains(dimension)) {
      throw new BadParameter(
          "family",
          "'"
              + family
              + "' is not counted by this instance"
              + (dimension == Dimension.PORT ? " (start it with --port)" : ""));
    }
    String dir =
        one(query, "direction")
            .orElseThrow(() -> new BadParameter("direction", "missing; receive or transmit"));
    Direction direction =
        switch (dir.toLowerCase(Locale.ROOT)) {
          case "receive" -> Direction.RECEIVE;
          case "transmit" -> Direction.TRANSMIT;
          default ->
              throw new BadParameter("direction", "'" + dir + "' is not receive or transmit");
        };
    int n = DEFAULT_N;
    Optional<String> count = one(query, "n");
    if (count.isPresent()) {
      String c = count.get();
      if (c.isEmpty() || !c.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        throw new BadParameter("n", "'" + c + "' is not a whole number 1.." + MAX_N);
      }
      String digits = c.replaceFirst("^0+(?=.)", "");
      n = digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
      if (n < 1 || n > MAX_N) {
        throw new BadParameter("n", c + " is outside 1.." + MAX_N);
      }
    }
    boolean history = true;
    Optional<String> withHistory = one(query, "history");
    if (withHistory.isPresent()) {
      String h = withHistory.get();
      history =
          switch (h.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadParameter("history", "'" + h + "' is not true or false");
          };
    }
    return new TopQuery(dimension, direction, n, history);
  }

  /**
   * The query string's parameters. Parsed here rather than by Javalin, which drops a pair with a
   * bad %-escape: {@code n=%zz} would be answered as if no {@code n} were given.
   */
  static Map<String, List<String>> parameters(String raw) throws BadParameter {
    Map<String, List<String>> all = new LinkedHashMap<>();
    for (QueryPair pair : QueryPair.of(raw)) {
      try {
        String name = pair.name();
        all.computeIfAbsent(name, k -> new ArrayList<>()).add(pair.value(name));
      } catch (FlowFilterException e) {
        throw new BadParameter(e.parameter(), e.getMessage());
      }
    }
    return all;
  }

  private static Optional<String> one(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  private void top(Context ctx) throws Exception {
    RateView view = sampler.view();
    TopQuery q;
    try {
      q = parse(parameters(ctx.queryString()), view.dimensions());
    } catch (BadParameter e) {
      // The flow API's envelope, so that a script handles both alike.
      ObjectNode error = NODES.objectNode();
      ObjectNode what = error.putObject("error");
      what.put("parameter", e.parameter);
      what.put("message", e.getMessage());
      ctx.status(HttpStatus.BAD_REQUEST);
      json(ctx, error);
      return;
    }
    json(ctx, answer(view, q));
  }

  /** The answer to one query, as JSON. */
  ObjectNode answer(RateView view, TopQuery q) {
    ObjectNode out = NODES.objectNode();
    out.put("family", q.dimension().parameter());
    out.put("direction", q.direction().metricWord());
    common(out, view);
    ObjectNode total = entity(view.totals().get(q.direction()), q.history());
    total.remove("id");
    out.set("total", total);
    List<RateView.Entity> all = view.ranking(q.dimension(), q.direction()).entities();
    out.put("entities", all.size());
    ArrayNode top = out.putArray("top");
    for (RateView.Entity e : all.subList(0, Math.min(q.n(), all.size()))) {
      ObjectNode row = entity(e, q.history());
      row.remove("id");
      label(row, q.dimension(), e.id());
      top.add(row);
    }
    return out;
  }

  /** Sampling facts every answer carries, so that a reader knows what the rates are. */
  private void common(ObjectNode out, RateView view) {
    out.put("sampled_at", view.sampledAt() == null ? null : view.sampledAt().toString());
    out.put("interval_seconds", view.interval().toSeconds());
    out.put("history_seconds", view.window().toSeconds());
    out.put("scope", "instance");
  }

  private void console(Context ctx) throws Exception {
    RateView view = sampler.view();
    ObjectNode out = NODES.objectNode();
    ArrayNode families = out.putArray("families");
    view.dimensions().forEach(d -> families.add(d.parameter()));
    out.put("flow_api", flowApi);
    common(out, view);
    out.put(
        "note",
        "Rates are sampled in this process's memory every "
            + view.interval().toSeconds()
            + " s from its committed totals and kept for "
            + view.window().toMinutes()
            + " minutes; this is not a time-series database. With several instances each shows only the"
            + " series it owns; Prometheus and the Grafana dashboard show the whole network.");
    json(ctx, out);
  }

  /** The labels of an entity, named as on /metrics. */
  private void label(ObjectNode row, Dimension dimension, String id) {
    if (Dimension.OVERFLOW.equals(id)) {
      row.put("other", true);
      row.put("name", "other (series beyond --max-series)");
      return;
    }
    switch (dimension) {
      case AS -> {
        long number = Long.parseLong(id);
        row.put("as", number);
        row.put("name", asn.nameOf(number));
      }
      case COUNTRY -> {
        row.put("country", id);
        row.put("name", countries.nameOf(id));
      }
      case PORT -> {
        int slash = id.indexOf('/');
        row.put("port", Integer.parseInt(id.substring(0, slash)));
        row.put("protocol", id.substring(slash + 1));
      }
      case ROUTER -> row.put("hostname", id);
    }
  }

  private static ObjectNode entity(RateView.Entity e, boolean withHistory) {
    ObjectNode row = NODES.objectNode();
    row.put("id", e.id());
    number(row, "bits_per_second", e.bitsPerSecond());
    number(row, "packets_per_second", e.packetsPerSecond());
    number(row, "flows_per_second", e.flowsPerSecond());
    row.put("bytes", e.bytes());
    row.put("packets", e.packets());
    row.put("flows", e.flows());
    if (withHistory && e.history() != null) {
      ArrayNode h = row.putArray("history");
      for (double v : e.history()) {
        if (Double.isNaN(v)) {
          h.addNull();
        } else {
          h.add(Math.round(v));
        }
      }
    }
    return row;
  }

  /** A rate rounded to a whole number, or null while it is unknown. */
  private static void number(ObjectNode row, String name, double v) {
    if (Double.isNaN(v)) {
      row.putNull(name);
    } else {
      row.put(name, v >= 100 ? (double) Math.round(v) : Math.round(v * 100) / 100.0);
    }
  }

  private static void json(Context ctx, ObjectNode body) throws Exception {
    ctx.contentType("application/json");
    ctx.header("Cache-Control", "no-store");
    ctx.result(JSON.writeValueAsBytes(body));
  }
}
