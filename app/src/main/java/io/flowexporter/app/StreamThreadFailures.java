package io.flowexporter.app;

import io.flowexporter.app.kafka.UnreadableFormats;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what follows a stream thread's failure. A failure a retry can cure (a broker that
 * vanished mid-commit) gets a replacement thread, up to {@value #REPLACEMENTS} times in a row; one
 * more failure before the stream has run {@link #HEALTHY} without one is deterministic (a record or
 * a stored total this version cannot handle fails again in every new thread), so the client shuts
 * down, the stream goes to ERROR and the process exits with status 1 instead of replacing threads
 * forever.
 *
 * <p>In a row, not within a time window: under exactly-once a replacement waits out the failed
 * thread's session timeout and restores its stores before it fails again, minutes later, so a
 * window would forgive a failure that never went away. The count starts over only once the stream
 * has been RUNNING for {@link #HEALTHY} since the last failure: longer than the punctuations (at
 * most a minute apart) and the commits, where a failure would recur.
 *
 * <p>Two failures are decided at once, neither counted. Data this version cannot read ({@link
 * UnreadableFormats}) stops the exporter at its first occurrence with what to do, no retry being of
 * use. A refusal by Kafka (a login, a certificate, an ACL: said by {@code KafkaRefusalLog}) is the
 * opposite: the operator can fix it while the exporter runs, so the thread is replaced after a
 * pause of {@link #REFUSAL_PAUSE}, for as long as it lasts.
 */
final class StreamThreadFailures {

  private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);
  static final int REPLACEMENTS = 3;
  static final Duration HEALTHY = Duration.ofMinutes(5);

  /**
   * Failures of several threads this close together are one failure: one event (a broker's answer,
   * a record) can fail every thread at once, which must not use up the replacements by itself.
   */
  static final Duration ONE_EVENT = Duration.ofSeconds(10);

  static final Duration REFUSAL_PAUSE = Duration.ofSeconds(5);

  private static final long NOT_RUNNING = Long.MIN_VALUE;

  private final UnreadableFormats unreadable;
  private final Duration refusalPause;
  private final LongSupplier nanoClock;

  /** Failures since the stream was last healthy. */
  private int inARow;

  /** When the stream became RUNNING, or the last failure since then; NOT_RUNNING otherwise. */
  private long runningSince = NOT_RUNNING;

  /** Whether the stream has run {@link #HEALTHY} since the last failure. */
  private boolean healthy;

  private long lastRefusalLog = -1;

  /** When the last counted failure happened, NOT_RUNNING before the first. */
  private long lastCounted = NOT_RUNNING;

  StreamThreadFailures(UnreadableFormats unreadable) {
    this(unreadable, REFUSAL_PAUSE, System::nanoTime);
  }

  StreamThreadFailures(
      UnreadableFormats unreadable, Duration refusalPause, LongSupplier nanoClock) {
    this.unreadable = unreadable;
    this.refusalPause = refusalPause;
    this.nanoClock = nanoClock;
  }

  /** The stream's new state, from its state listener. */
  synchronized void stateChanged(State now) {
    long at = nanoClock.getAsLong();
    if (now == State.RUNNING) {
      if (runningSince == NOT_RUNNING) {
        runningSince = at;
      }
    } else {
      noteHealthyRun(at);
      runningSince = NOT_RUNNING;
    }
  }

  private void noteHealthyRun(long at) {
    if (runningSince != NOT_RUNNING && at - runningSince >= HEALTHY.toNanos()) {
      healthy = true;
    }
  }

  /**
   * @param refused whether the failure is a refusal by Kafka, said already in the exporter's words
   *     (see KafkaRefusalLog): then the failing thread waits {@link #REFUSAL_PAUSE} (it is the one
   *     calling) and is replaced, with no stack trace and no count towards the shutdown
   */
  StreamThreadExceptionResponse respond(Throwable failure, boolean refused) {
    Optional<String> stop = unreadable.stopMessage(failure);
    if (stop.isPresent()) {
      // Without the stack trace: the message says all an operator can act on.
      LOG.error("{}; exiting (status 1)", stop.get());
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    if (!refused) {
      return count(failure);
    }
    synchronized (this) {
      long now = nanoClock.getAsLong();
      if (lastRefusalLog < 0 || now - lastRefusalLog >= TimeUnit.MINUTES.toNanos(1)) {
        LOG.warn(
            "A stream thread stopped on that refusal; it is replaced every {} s until Kafka accepts the exporter",
            refusalPause.toSeconds());
        lastRefusalLog = now;
      }
    }
    try {
      Thread.sleep(refusalPause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  private synchronized StreamThreadExceptionResponse count(Throwable failure) {
    long now = nanoClock.getAsLong();
    noteHealthyRun(now);
    if (healthy) {
      inARow = 0;
      healthy = false;
      lastCounted = NOT_RUNNING;
    }
    if (runningSince != NOT_RUNNING) {
      runningSince = now; // a healthy run is one without a failure
    }
    if (lastCounted != NOT_RUNNING && now - lastCounted < ONE_EVENT.toNanos()) {
      LOG.error(
          "Another stream thread failed within {} s of the last failure: replacing it, counted as"
              + " the same failure",
          ONE_EVENT.toSeconds(),
          failure);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    lastCounted = now;
    if (inARow >= REPLACEMENTS) {
      LOG.error(
          "A stream thread failed for the {}th time in a row (the stream did not run {} min in"
              + " between); the failure does not go away, so the exporter stops (exit status 1)."
              + " Last failure:",
          inARow + 1,
          HEALTHY.toMinutes(),
          failure);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    inARow++;
    LOG.error(
        "Stream thread failed; replacing it ({} of {} replacements in a row; the count starts over"
            + " once the stream has run {} min without a failure)",
        inARow,
        REPLACEMENTS,
        HEALTHY.toMinutes(),
        failure);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }
}
