package io.flowexporter.topology.aggregate;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * How far each input partition has read, as an owner learns it from the batches and time marks the
 * partitions send at their commits: the newest input time each reported, and when. The time of the
 * slowest partition among those that reported within {@code activeMs} is the owner's clock of
 * expiry. A partition that has stopped reporting (no traffic, or its records no longer read) holds
 * nobody back once {@code activeMs} has passed. A new owner (a start, a task moved here or revived)
 * first listens for {@code activeMs}: a partition that reports only at its own commits, on another
 * thread or instance, may not have spoken yet, and the partitions heard so far may be the fast
 * ones. Not thread-safe: one per owner task.
 */
final class InputClocks {

  private final long activeMs;
  private final long listeningUntil;

  /** Input partition (-1: batches that do not say) to {newest input time, wall time reported}. */
  private final Map<Integer, long[]> byPartition = new HashMap<>();

  /** Clocks of an owner that starts listening at {@code now}. */
  InputClocks(long activeMs, long now) {
    this.activeMs = activeMs;
    this.listeningUntil = saturatedAdd(now, activeMs);
  }

  /** Partition {@code partition} has read up to {@code inputTime}, as of {@code now}. */
  void reported(int partition, long inputTime, long now) {
    long[] clock = byPartition.computeIfAbsent(partition, p -> new long[] {Long.MIN_VALUE, 0});
    clock[0] = Math.max(clock[0], inputTime);
    clock[1] = now;
  }

  /**
   * The input time of the partition furthest behind among those that reported within the last
   * {@code activeMs} before {@code now}; {@link Long#MIN_VALUE} when none did, or while the owner
   * is still listening. Partitions silent for longer are forgotten.
   */
  long slowest(long now) {
    if (now < listeningUntil) {
      return Long.MIN_VALUE;
    }
    long slowest = Long.MAX_VALUE;
    for (Iterator<long[]> it = byPartition.values().iterator(); it.hasNext(); ) {
      long[] clock = it.next();
      if (now - clock[1] > activeMs) {
        it.remove();
      } else {
        slowest = Math.min(slowest, clock[0]);
      }
    }
    return slowest == Long.MAX_VALUE ? Long.MIN_VALUE : slowest;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
