package io.flowexporter.app.flows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.filter.FlowFilter;
import io.flowexporter.topology.filter.FlowFilterException;
import io.flowexporter.topology.flow.FlowRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Coverage-guided fuzzing with Jazzer of the flow query parsers: whatever a query string holds,
 * {@link FlowFilter#parse} ({@code --flow-filter}) builds a filter or refuses it with a {@link
 * FlowFilterException} (exit status 2), and {@link FlowQuery#parse} (the flow API's tap and search)
 * builds a query within its caps or refuses it with a {@link FlowQueryException} (HTTP 400); either
 * refusal names the parameter at fault. No other exception escapes, a filter built matches records
 * without throwing, and nothing hangs.
 *
 * <p>Under {@code mvn verify} (regression mode) this replays the committed inputs in {@code
 * src/test/resources/io/flowexporter/app/flows/FlowQueryFuzzTestInputs/parse/}: the seeds and every
 * input a fuzzing run has found to fail. {@code bench/fuzz filter} fuzzes it; see docs/testing.md.
 */
class FlowQueryFuzzTest {

  private static final Instant NOW = Instant.parse("2026-11-29T14:10:00Z");

  /** Records of both families, with and without ports and protocol, for a built filter to test. */
  private static final FlowRecord[] RECORDS = {
    new FlowRecord(
        64500, 15169, 1500, 1, "edge-1", 1, "192.0.2.7", "8.8.8.8", 40123, 443, "tcp", 1),
    new FlowRecord(
        0, 64501, 80, 1, "edge-2", 0, "2001:db8::1", "2001:4860::8888", 53, 53, "udp", 1),
    new FlowRecord(0, 0, 1, 1, "", 0, "", "not an address", null, null),
  };

  // Plain checks rather than AssertJ's: this runs millions of times when fuzzing.
  @FuzzTest(maxDuration = "10m")
  void parse(byte[] input) {
    String query = new String(input, StandardCharsets.UTF_8);
    filter(query);
    for (FlowQuery.Kind kind : FlowQuery.Kind.values()) {
      flowQuery(kind, query);
    }
  }

  private static void filter(String query) {
    FlowFilter filter;
    try {
      filter = FlowFilter.parse(query);
    } catch (FlowFilterException e) {
      checkRefusal(e.parameter(), e.getMessage(), query);
      check(
          e.getMessage().startsWith(e.parameter() + ": "),
          "a message led by its parameter",
          e.getMessage());
      return;
    }
    check(filter != null && filter.toString() != null, "a filter", query);
    for (FlowRecord r : RECORDS) {
      filter.matches(r, Direction.RECEIVE, r.asSrc(), r.asDst());
      filter.matches(r, null, r.asSrc(), r.asDst());
    }
  }

  private static void flowQuery(FlowQuery.Kind kind, String query) {
    FlowQuery q;
    try {
      q = FlowQuery.parse(kind, query, NOW);
    } catch (FlowQueryException e) {
      checkRefusal(e.parameter(), e.getMessage(), query);
      return;
    }
    check(q.limit() >= 1 && q.limit() <= FlowQuery.MAX_LIMIT, "limit", q.limit());
    Duration timeout = q.timeout();
    check(
        timeout.compareTo(FlowQuery.MIN_TIMEOUT) >= 0
            && timeout.compareTo(FlowQuery.MAX_TIMEOUT) <= 0,
        "timeout",
        timeout);
    if (kind == FlowQuery.Kind.SEARCH) {
      check(q.from().isBefore(q.to()), "from before to", q.describe());
      check(
          Duration.between(q.from(), q.to()).compareTo(FlowQuery.MAX_RANGE) <= 0,
          "range",
          q.describe());
    }
    check(q.describe() != null, "a description", query);
  }

  private static void checkRefusal(String parameter, String message, String query) {
    check(parameter != null && !parameter.isEmpty(), "a parameter named", query);
    check(message != null && message.contains(parameter), "a message naming " + parameter, message);
  }

  private static void check(boolean ok, String what, Object about) {
    if (!ok) {
      throw new AssertionError("unexpected " + what + " in " + about);
    }
  }
}
