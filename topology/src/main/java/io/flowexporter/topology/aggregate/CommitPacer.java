package io.flowexporter.topology.aggregate;

/**
 * Decides when an owner asks its stream thread for an early commit: at most once per commit
 * interval per thread.
 *
 * <p>Why ask at all: the first stage sends its deltas when its thread commits, and an owner's new
 * sums reach {@code /metrics} only when the owner's thread commits in turn. Left to the periodic
 * commit that is a whole interval later, so a record would take up to two intervals to show. Asking
 * for a commit as soon as deltas arrive makes it about one interval, for one extra commit per
 * interval.
 *
 * <p>Why at most once per interval: every commit also flushes the first stage's pending deltas,
 * whose arrival would ask for the next commit, and so on, without end under steady traffic. The
 * limit is per thread because a request commits all of the thread's tasks at once.
 */
final class CommitPacer {

  private static final ThreadLocal<long[]> LAST_REQUEST_MS =
      ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE / 2});

  private final long intervalMs;

  CommitPacer(long intervalMs) {
    if (intervalMs < 1) {
      throw new IllegalArgumentException("commit interval must be at least 1 ms: " + intervalMs);
    }
    this.intervalMs = intervalMs;
  }

  /**
   * True when this thread has not asked for a commit within the last interval; notes the request.
   */
  boolean shouldRequestCommit(long nowMs) {
    long[] last = LAST_REQUEST_MS.get();
    if (nowMs - last[0] < intervalMs) {
      return false;
    }
    last[0] = nowMs;
    return true;
  }
}
