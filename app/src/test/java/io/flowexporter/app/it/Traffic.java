package io.flowexporter.app.it;

import java.util.Map;
import java.util.TreeMap;

/**
 * Traffic totals per series, as a test expects them or as a scrape shows them. The key is {@code
 * direction|hostname|source_as|destination_as}; values are bytes and packets.
 */
public final class Traffic {

  private final Map<String, long[]> totals = new TreeMap<>();

  public static String key(String direction, String hostname, long sourceAs, long destinationAs) {
    return direction + "|" + hostname + "|" + sourceAs + "|" + destinationAs;
  }

  public synchronized void add(
      String direction,
      String hostname,
      long sourceAs,
      long destinationAs,
      long bytes,
      long packets) {
    long[] t =
        totals.computeIfAbsent(key(direction, hostname, sourceAs, destinationAs), k -> new long[2]);
    t[0] += bytes;
    t[1] += packets;
  }

  /** The four traffic families of a scrape, summed over AS names (which the key leaves out). */
  public static Traffic of(Scrape scrape) {
    Traffic t = new Traffic();
    for (String direction : new String[] {"receive", "transmit"}) {
      scrape
          .family("flow_" + direction + "_bytes_total")
          .forEach(
              (labels, v) ->
                  t.add(
                      direction,
                      labels.get("hostname"),
                      Long.parseLong(labels.get("source_as")),
                      Long.parseLong(labels.get("destination_as")),
                      v.longValue(),
                      0));
      scrape
          .family("flow_" + direction + "_packets_total")
          .forEach(
              (labels, v) ->
                  t.add(
                      direction,
                      labels.get("hostname"),
                      Long.parseLong(labels.get("source_as")),
                      Long.parseLong(labels.get("destination_as")),
                      0,
                      v.longValue()));
    }
    return t;
  }

  /** The sum of several instances' traffic. */
  public static Traffic sum(Iterable<Traffic> parts) {
    Traffic t = new Traffic();
    for (Traffic p : parts) {
      p.totals.forEach(
          (k, v) -> {
            long[] s = t.totals.computeIfAbsent(k, x -> new long[2]);
            s[0] += v[0];
            s[1] += v[1];
          });
    }
    return t;
  }

  /** A copy of the totals: series key to {bytes, packets}. */
  public synchronized Map<String, long[]> series() {
    Map<String, long[]> m = new TreeMap<>();
    totals.forEach((k, v) -> m.put(k, v.clone()));
    return m;
  }

  public synchronized long totalBytes() {
    return totals.values().stream().mapToLong(v -> v[0]).sum();
  }

  /** Series and their "bytes/packets", for assertions and readable failure messages. */
  public synchronized Map<String, String> asMap() {
    Map<String, String> m = new TreeMap<>();
    totals.forEach((k, v) -> m.put(k, v[0] + "/" + v[1]));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Traffic t && asMap().equals(t.asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
