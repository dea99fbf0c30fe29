package io.flowexporter.app.flows;

import java.nio.charset.StandardCharsets;

/**
 * How a scan ended: the last line of every answer, {@code {"end": {"reason": ..., "flows": n,
 * "scanned": n, "ms": n}}}.
 *
 * @param reason {@code limit}, {@code timeout}, {@code bytes}, {@code range} (a search reached its
 *     {@code to} on every partition), {@code client} (the client went away) or {@code error} (Kafka
 *     refused the scan midway)
 * @param flows flows answered
 * @param scanned flow records read (before the filter)
 * @param ms how long the scan ran, from its first question to Kafka
 */
public record ScanEnd(String reason, long flows, long scanned, long ms) {

  /** The JSON object, without a line end. */
  public byte[] json() {
    return ("{\"end\":{\"reason\":\""
            + reason
            + "\",\"flows\":"
            + flows
            + ",\"scanned\":"
            + scanned
            + ",\"ms\":"
            + ms
            + "}}")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
