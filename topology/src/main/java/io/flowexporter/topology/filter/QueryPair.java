package io.flowexporter.topology.filter;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code name=value} pair of a URL query string, as written; its name and value are %-decoded
 * when asked for, strictly: a bad escape is refused naming the parameter (where a lenient decoder
 * would drop the pair, and the request would be answered without it). The flow filter, the flow
 * API's query and the top API read their query strings through it, so all split and decode alike.
 *
 * @param text the pair as written
 * @param rawName the name as written
 * @param rawValue the value as written; null when the pair has no {@code '='}
 */
public record QueryPair(String text, String rawName, String rawValue) {

  /** The pairs of {@code query}; nothing between two separators ({@code a=1&&b=2}) is no pair. */
  public static List<QueryPair> of(String query) {
    List<QueryPair> pairs = new ArrayList<>();
    if (query == null || query.isBlank()) {
      return pairs;
    }
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      pairs.add(
          eq < 0
              ? new QueryPair(pair, pair, null)
              : new QueryPair(pair, pair.substring(0, eq), pair.substring(eq + 1)));
    }
    return pairs;
  }

  /**
   * The decoded name.
   *
   * @throws FlowFilterException naming the whole pair, on a bad %-escape
   */
  public String name() {
    return decode(rawName, text);
  }

  /** Whether the pair has a value, even an empty one ({@code a=}). */
  public boolean hasValue() {
    return rawValue != null;
  }

  /**
   * The decoded value; empty when the pair has none.
   *
   * @throws FlowFilterException naming the parameter ({@code name}), on a bad %-escape
   */
  public String value(String name) {
    return rawValue == null ? "" : decode(rawValue, name);
  }

  private static String decode(String s, String parameter) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new FlowFilterException(parameter, "bad %-escape in '" + s + "'");
    }
  }
}
