package io.flowexporter.topology.aggregate;

/** Totals arithmetic shared by the stages. */
final class Sums {

  private Sums() {}

  /**
   * Two non-negative totals added, stopping at {@link Long#MAX_VALUE}: absurd traffic or hostile
   * input must neither stop a partition (an exception would recur after every restart, since the
   * input is reprocessed) nor end every later scrape. A counter stuck at 2^63−1 stays monotonic and
   * visible.
   */
  static long saturated(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
