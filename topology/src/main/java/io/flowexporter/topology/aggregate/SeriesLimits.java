package io.flowexporter.topology.aggregate;

import java.time.Duration;
import java.util.Objects;

/**
 * The bound and the expiry of each owner partition's series.
 *
 * @param maxSeriesPerPartition series of one family one owner partition admits; later label sets
 *     count into the family's overflow series ({@code --max-series} divided among the partitions)
 * @param ttl a series with no traffic for this long is dropped ({@code --series-ttl})
 */
public record SeriesLimits(int maxSeriesPerPartition, Duration ttl) {

  public SeriesLimits {
    Objects.requireNonNull(ttl, "ttl");
    if (maxSeriesPerPartition < 1) {
      throw new IllegalArgumentException(
          "max series per partition must be at least 1: " + maxSeriesPerPartition);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("series TTL must be positive: " + ttl);
    }
  }

  /** {@code --max-series} shared among the owner partitions, rounded up. */
  public static SeriesLimits of(int maxSeries, int partitions, Duration ttl) {
    return new SeriesLimits((int) ((maxSeries + (long) partitions - 1) / partitions), ttl);
  }

  /**
   * How often an owner looks for expired series: often enough for short test TTLs, at most once a
   * minute.
   */
  public Duration expiryCheckInterval() {
    long ms = Math.max(1000, Math.min(60_000, ttl.toMillis() / 4));
    return Duration.ofMillis(ms);
  }
}
