package io.flowexporter.topology.aggregate;

import java.time.Duration;

/**
 * Decides when an owner asks its stream thread for an early commit: as soon as deltas arrive, but
 * at most once per half commit interval per thread; deltas that arrive sooner are committed when
 * the half interval is over ({@link #tick}), not left for the next periodic commit.
 *
 * <p>Why ask at all: the first stage sends its deltas when its thread commits, and an owner's new
 * sums reach {@code /metrics} only when the owner's thread commits in turn. Left to the periodic
 * commit that is up to a whole interval later, so a record would take up to two intervals to show.
 *
 * <p>Why a limit: every commit also flushes the first stage's pending deltas, whose arrival would
 * ask for the next commit, and so on, without end under steady traffic. The limit makes it at most
 * three commits per interval per thread: the periodic one and two asked for.
 *
 * <p>Why defer instead of refusing: with two stream threads, or several instances, deltas arrive in
 * several waves per interval, one after each thread's periodic commit, and the threads' commits
 * tend to fall close together. A wave that arrived just after a request was refused and waited for
 * the periodic commit, a whole interval more: the p99 of freshness was two intervals and more.
 * Deferred, it waits half an interval at most, so a record shows within about 1.5 intervals.
 *
 * <p>Only for live traffic ({@link #isLive}): while a backlog is caught up, after an outage or at a
 * first start, nobody waits for a particular record, and each commit costs in proportion to the
 * series that changed (all of them, under a backlog). The periodic commit alone then publishes, and
 * the backlog is counted at the rate of one commit per interval.
 *
 * <p>The state is per thread because a request commits all of the thread's tasks at once: one owner
 * task's request serves the deltas of every owner task on that thread.
 */
final class CommitPacer {

  /** The thread's last request and whether deltas have arrived since. */
  private static final class ThreadState {
    long lastRequestMs = Long.MIN_VALUE / 2;
    boolean wanted;
  }

  private static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::new);

  private final long minGapMs;
  private final long liveWindowMs;

  CommitPacer(long intervalMs) {
    if (intervalMs < 1) {
      throw new IllegalArgumentException("commit interval must be at least 1 ms: " + intervalMs);
    }
    this.minGapMs = Math.max(1, intervalMs / 2);
    this.liveWindowMs = Math.max(5_000, 3 * intervalMs);
  }

  /**
   * True if deltas whose newest input record is from {@code newestInputMs} are live traffic: less
   * than three commit intervals (at least 5 s) old. Older, the first stage is catching up on a
   * backlog. A producer's clock far behind the exporter's makes live traffic look old: it is then
   * published by the periodic commits, within about two intervals.
   */
  boolean isLive(long nowMs, long newestInputMs) {
    return nowMs - newestInputMs < liveWindowMs;
  }

  /** True while deltas wait on this thread for a request: the owner should call {@link #tick}. */
  boolean waiting() {
    return STATE.get().wanted;
  }

  /**
   * How often an owner should call {@link #tick} while {@link #waiting}: a tenth of the gap between
   * requests (at least 10 ms), so a deferred request is late by that, and by the stream thread's
   * poll wait and loop, at most.
   */
  Duration tickInterval() {
    return Duration.ofMillis(Math.max(10, minGapMs / 10));
  }

  /** This thread is committing: the deltas that arrived so far are in that commit. */
  void flushed() {
    STATE.get().wanted = false;
  }

  /** Deltas arrived on this thread: true if the owner should ask for a commit now. */
  boolean deltasArrived(long nowMs) {
    STATE.get().wanted = true;
    return tick(nowMs);
  }

  /**
   * True if deltas arrived since this thread's last request and that request is at least half an
   * interval old: the owner should ask for a commit now. Notes the request.
   */
  boolean tick(long nowMs) {
    ThreadState state = STATE.get();
    long since = nowMs - state.lastRequestMs;
    // since < 0: the wall clock was set back; waiting for it to catch up could take hours
    if (!state.wanted || (since >= 0 && since < minGapMs)) {
      return false;
    }
    state.lastRequestMs = nowMs;
    state.wanted = false;
    return true;
  }
}
