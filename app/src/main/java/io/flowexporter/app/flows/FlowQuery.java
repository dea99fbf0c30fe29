package io.flowexporter.app.flows;

import io.flowexporter.app.config.Durations;
import io.flowexporter.topology.filter.FlowFilter;
import io.flowexporter.topology.filter.FlowFilterException;
import io.flowexporter.topology.filter.QueryPair;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One flow API request, parsed once: the filter ({@link FlowFilter}'s parameters) and the bounds of
 * the scan.
 *
 * @param kind a tap (from now on) or a search (a past window)
 * @param filter which flows are answered
 * @param limit flows answered at most, 1..{@value #MAX_LIMIT}
 * @param timeout how long the scan may run, at most {@link #MAX_TIMEOUT}
 * @param from a search's first instant (Kafka record time, inclusive); null for a tap
 * @param to a search's end (exclusive), at most {@link #MAX_RANGE} after {@code from}; null for a
 *     tap
 */
public record FlowQuery(
    Kind kind, FlowFilter filter, int limit, Duration timeout, Instant from, Instant to) {

  /** What a request scans. */
  public enum Kind {
    TAP,
    SEARCH;

    String label() {
      return this == TAP ? "tap" : "search";
    }
  }

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 100_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(300);

  /**
   * Below a second, Kafka's answers about where the partitions start (a few round trips) would use
   * up the timeout, and a scan that never started would read as a Kafka that did not answer.
   */
  public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

  public static final Duration DEFAULT_RANGE = Duration.ofMinutes(15);
  public static final Duration MAX_RANGE = Duration.ofHours(24);

  private static final Set<String> TAP_PARAMETERS = Set.of("limit", "timeout");
  private static final Set<String> SEARCH_PARAMETERS = Set.of("limit", "timeout", "from", "to");

  public FlowQuery {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(timeout, "timeout");
    if ((kind == Kind.SEARCH) != (from != null && to != null)) {
      throw new IllegalArgumentException("a search has from and to, a tap neither");
    }
  }

  /**
   * Parses a raw (URL-encoded) query string.
   *
   * @param now the instant relative times ({@code -15m}) count from, and the default {@code to}
   * @throws FlowQueryException naming the parameter that is unknown, repeated, malformed or above
   *     its cap
   */
  public static FlowQuery parse(Kind kind, String rawQuery, Instant now) {
    Set<String> own = kind == Kind.TAP ? TAP_PARAMETERS : SEARCH_PARAMETERS;
    StringJoiner filterQuery = new StringJoiner("&");
    String limit = null;
    String timeout = null;
    String from = null;
    String to = null;
    Set<String> seen = new HashSet<>();
    for (QueryPair pair : QueryPair.of(rawQuery)) {
      String name = decode(pair::name);
      if (!own.contains(name)) {
        if (SEARCH_PARAMETERS.contains(name)) {
          throw new FlowQueryException(
              name, name + ": only a search takes a time range; a tap runs from now on");
        }
        if (!FlowFilter.PARAMETERS.contains(name)) {
          Set<String> known = new TreeSet<>(FlowFilter.PARAMETERS);
          known.addAll(own);
          String shown = name.isEmpty() ? "(empty)" : name;
          throw new FlowQueryException(
              shown, shown + ": unknown parameter; known are " + String.join(", ", known));
        }
        filterQuery.add(pair.text());
        continue;
      }
      if (!seen.add(name)) {
        throw new FlowQueryException(name, name + ": given more than once");
      }
      String value = decode(() -> pair.value(name)).trim();
      switch (name) {
        case "limit" -> limit = value;
        case "timeout" -> timeout = value;
        case "from" -> from = value;
        default -> to = value;
      }
    }
    FlowFilter filter;
    try {
      filter = FlowFilter.parse(filterQuery.toString());
    } catch (FlowFilterException e) {
      throw new FlowQueryException(e.parameter(), e.getMessage());
    }
    int n = parseLimit(limit);
    Duration t = parseTimeout(timeout);
    if (kind == Kind.TAP) {
      return new FlowQuery(kind, filter, n, t, null, null);
    }
    Instant end = to == null ? now : parseTime("to", to, now);
    Instant start =
        from == null
            ? latest(end.minus(DEFAULT_RANGE), Instant.EPOCH)
            : parseTime("from", from, now);
    if (!start.isBefore(end)) {
      // Without from, the range starts 15 minutes before to, but not before 1970: to is the one
      // the client gave, and the one to change.
      throw from != null
          ? new FlowQueryException("from", "from: " + start + " is not before to (" + end + ")")
          : new FlowQueryException(
              "to", "to: " + end + " leaves no range after 1970-01-01T00:00:00Z to search");
    }
    if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
      throw new FlowQueryException(
          from != null ? "from" : "to",
          "from/to: the range is "
              + hoursMinutesSeconds(Duration.between(start, end))
              + " wide, above the cap of 24h");
    }
    return new FlowQuery(kind, filter, n, t, start, end);
  }

  private static int parseLimit(String value) {
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    if (value.isEmpty()
        || value.length() > 9
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(value) < 1) {
      throw new FlowQueryException(
          "limit", "limit: '" + value + "' is not a number 1.." + MAX_LIMIT);
    }
    int n = Integer.parseInt(value);
    if (n > MAX_LIMIT) {
      throw new FlowQueryException("limit", "limit: " + n + " is above the cap of " + MAX_LIMIT);
    }
    return n;
  }

  private static Duration parseTimeout(String value) {
    if (value == null) {
      return DEFAULT_TIMEOUT;
    }
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new FlowQueryException(
          "timeout",
          "timeout: '" + value + "' is not a duration such as 45s, 2m or 1500ms (1s to 300s)");
    }
    if (d.compareTo(MAX_TIMEOUT) > 0) {
      throw new FlowQueryException("timeout", "timeout: " + value + " is above the cap of 300s");
    }
    if (d.compareTo(MIN_TIMEOUT) < 0) {
      throw new FlowQueryException("timeout", "timeout: " + value + " is below the minimum of 1s");
    }
    return d;
  }

  /** RFC 3339 ({@code 2026-11-29T14:02:00Z}), {@code now}, or relative to now ({@code -15m}). */
  private static Instant parseTime(String name, String value, Instant now) {
    if (value.equals("now")) {
      return now;
    }
    if (value.startsWith("-")) {
      Duration ago;
      try {
        ago = Durations.parse(value.substring(1));
      } catch (IllegalArgumentException e) {
        throw new FlowQueryException(
            name,
            name + ": '" + value + "' is not a time such as -15m, -2h or 2026-11-29T14:02:00Z");
      }
      // A duration can reach further back than an Instant can (-999999999999d).
      if (ago.compareTo(Duration.between(Instant.MIN, now)) > 0) {
        throw new FlowQueryException(
            name, name + ": '" + value + "' is before the first instant there is");
      }
      return withinKafkaTime(name, value, now.minus(ago));
    }
    // An offset's '+' typed into a URL unencoded arrives as a space: "...T15:02:00 01:00".
    String time =
        OFFSET_AFTER_SPACE.matcher(value).matches()
            ? value.substring(0, value.length() - 6) + "+" + value.substring(value.length() - 5)
            : value;
    try {
      return withinKafkaTime(name, value, OffsetDateTime.parse(time).toInstant());
    } catch (DateTimeParseException e) {
      throw new FlowQueryException(
          name,
          name + ": '" + value + "' is not an RFC 3339 time such as 2026-11-29T14:02:00Z, or -15m");
    }
  }

  private static final Instant LAST_RFC3339_TIME = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private static final Pattern OFFSET_AFTER_SPACE = Pattern.compile(".*T.* \\d\\d:\\d\\d");

  /**
   * Kafka's record times (and offsetsForTimes) start at 1970-01-01T00:00:00Z; RFC 3339 ends with
   * the year 9999 (beyond some 292 million years a time is no longer milliseconds in a long).
   */
  private static Instant withinKafkaTime(String name, String value, Instant t) {
    if (t.isAfter(LAST_RFC3339_TIME)) {
      throw new FlowQueryException(
          name, name + ": '" + value + "' is after 9999-12-31T23:59:59Z, where RFC 3339 ends");
    }
    if (t.isBefore(Instant.EPOCH)) {
      throw new FlowQueryException(
          name,
          name
              + ": '"
              + value
              + "' is before 1970-01-01T00:00:00Z, where Kafka's record times start");
    }
    return t;
  }

  /** A span as 24h43m20s, or 24h0m0.001s: never rounded into the cap it exceeds. */
  private static String hoursMinutesSeconds(Duration span) {
    Duration d =
        span.getNano() % 1_000_000 == 0
            ? span
            : span.plusMillis(1).minusNanos(span.getNano() % 1_000_000);
    String seconds =
        d.toMillisPart() == 0
            ? Integer.toString(d.toSecondsPart())
            : String.format(Locale.ROOT, "%d.%03d", d.toSecondsPart(), d.toMillisPart());
    return d.toHours() + "h" + d.toMinutesPart() + "m" + seconds + "s";
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** A name or value of a pair, its bad %-escape refused as this query's error. */
  private static String decode(java.util.function.Supplier<String> decoded) {
    try {
      return decoded.get();
    } catch (FlowFilterException e) {
      throw new FlowQueryException(e.parameter(), e.getMessage());
    }
  }

  /** For the audit log: the kind, the filter and the bounds, no secret. */
  public String describe() {
    return kind.label()
        + " "
        + filter
        + " limit="
        + limit
        + " timeout="
        + Durations.format(timeout)
        + (kind == Kind.SEARCH ? " from=" + from + " to=" + to : "");
  }
}
