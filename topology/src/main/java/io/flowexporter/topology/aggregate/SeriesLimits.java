package io.flowexporter.topology.aggregate;

import java.time.Duration;
import java.util.Objects;

/**
 * The bound and the expiry of each owner partition's series.
 *
 * @param maxSeries series one family admits over all owner partitions ({@code --max-series}); later
 *     label sets count into the family's overflow series
 * @param partitions the owner partitions the bound is shared among
 * @param ttl a series with no traffic for this long is dropped ({@code --series-ttl})
 */
public record SeriesLimits(int maxSeries, int partitions, Duration ttl) {

  public SeriesLimits {
    Objects.requireNonNull(ttl, "ttl");
    if (maxSeries < 1) {
      throw new IllegalArgumentException("max series must be at least 1: " + maxSeries);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("series TTL must be positive: " + ttl);
    }
  }

  /** One owner partition holding every series. */
  public SeriesLimits(int maxSeries, Duration ttl) {
    this(maxSeries, 1, ttl);
  }

  public static SeriesLimits of(int maxSeries, int partitions, Duration ttl) {
    return new SeriesLimits(maxSeries, partitions, ttl);
  }

  /**
   * Series of one family that owner partition {@code partition} admits: its share of {@code
   * maxSeries} by the owner slots it holds ({@link DeltaBatch#slotsOf}), rounded up. An even share
   * would fill the partitions with one slot more than others (256 is rarely a multiple of the
   * partition count) well before the family held {@code maxSeries}: at 0.85 of it with 50
   * partitions, 0.64 with 200.
   */
  public int maxSeriesOf(int partition) {
    if (partitions == 1) {
      return maxSeries;
    }
    if (partition < 0 || partition >= partitions) {
      // Not expected: the owner partitions are fixed when their topic is created. Should someone
      // grow that topic by hand anyway, an unknown partition gets an even share.
      return (int) ((maxSeries + (long) partitions - 1) / partitions);
    }
    long slots = DeltaBatch.slotsOf(partition, partitions);
    long share = (maxSeries * slots + DeltaBatch.SLOTS - 1) / DeltaBatch.SLOTS;
    return (int) Math.max(1, share);
  }

  /**
   * How often an owner looks for expired series: often enough for short test TTLs, at most once a
   * minute.
   */
  public Duration expiryCheckInterval() {
    long ms = Math.max(1000, Math.min(60_000, ttl.toMillis() / 4));
    return Duration.ofMillis(ms);
  }

  /**
   * How often an input partition that counts sends every owner partition a {@linkplain
   * DeltaBatch#timeMark() time mark}: half an expiry check. Owners hold a partition as reporting
   * lately within two checks (or two commit intervals), so this is soon enough for expiry; and it
   * keeps the marks, input partitions times owner partitions of them, far below the records even on
   * a wide topic with little traffic, where a mark at every commit would not be.
   */
  public Duration timeMarkInterval() {
    return expiryCheckInterval().dividedBy(2);
  }
}
