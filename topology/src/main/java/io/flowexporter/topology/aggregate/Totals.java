package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.series.Unit;

/**
 * The committed totals of one series, as one scrape shows them.
 *
 * @param bytes total bytes, sampling applied
 * @param packets total packets, sampling applied
 * @param flows total flows: pmacct's {@code flows} of each counted record (one when the record has
 *     none), sampling not applied: a sampled record stands for the flows pmacct saw
 */
public record Totals(long bytes, long packets, long flows) {

  /** The total of one unit. */
  public long of(Unit unit) {
    return switch (unit) {
      case BYTES -> bytes;
      case PACKETS -> packets;
      case FLOWS -> flows;
    };
  }
}
