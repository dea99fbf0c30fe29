package io.flowexporter.app.flows;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Requests with a token that is not one of the API's: on record, but at most one line a minute, so
 * that guessing cannot flood the log. A line says how many there were since the last one and from
 * which addresses (the busiest first), so that a burst from one address is not put down to the one
 * that happened to come last. What is held back is written by the first request of any kind once
 * the minute is over.
 */
final class UnknownTokenAudit {

  static final long INTERVAL_NANOS = 60_000_000_000L;

  /** Addresses a line names; the others are counted. */
  static final int ADDRESSES_NAMED = 5;

  /** Addresses remembered between two lines: a guesser with many addresses cannot grow the map. */
  private static final int ADDRESSES_KEPT = 1_000;

  private final Consumer<String> out;
  private final Map<String, Long> byAddress = new HashMap<>();
  private long requests;
  private long lastLine;
  private boolean lineWritten;

  UnknownTokenAudit(Consumer<String> out) {
    this.out = out;
  }

  /** A request from {@code client} with a token that is not one of the API's, at {@code now}. */
  synchronized void refused(String client, long now) {
    requests++;
    if (byAddress.containsKey(client) || byAddress.size() < ADDRESSES_KEPT) {
      byAddress.merge(client, 1L, Long::sum);
    } // else counted in requests only: "from other addresses"
    writeIfDue(now);
  }

  /** Writes what was held back, if a minute has passed since the last line. */
  synchronized void writeIfDue(long now) {
    if (requests == 0 || (lineWritten && now - lastLine < INTERVAL_NANOS)) {
      return;
    }
    List<Map.Entry<String, Long>> busiest =
        byAddress.entrySet().stream()
            .sorted(
                Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(ADDRESSES_NAMED)
            .toList();
    String named =
        busiest.stream()
            .map(e -> e.getKey() + " (" + e.getValue() + ")")
            .collect(Collectors.joining(", "));
    long fromOthers = requests - busiest.stream().mapToLong(Map.Entry::getValue).sum();
    String rest = fromOthers == 0 ? "" : " and " + fromOthers + " from other addresses";
    out.accept(
        "flow API: "
            + requests
            + " request(s) with a token that is not one of the API's tokens since the last such"
            + " line, from "
            + named
            + rest);
    byAddress.clear();
    requests = 0;
    lastLine = now;
    lineWritten = true;
  }
}
