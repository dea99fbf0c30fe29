package io.flowexporter.app;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what follows a stream thread's failure: a replacement thread, up to {@value
 * #REPLACEMENTS} times within {@link #WINDOW}, for what a retry can cure (a broker that vanished
 * mid-commit); beyond that the failure is deterministic (a record or a stored total this version
 * cannot handle fails again in every new thread), so the client shuts down, the stream goes to
 * ERROR and the process exits with status 1 instead of replacing threads forever.
 *
 * <p>A refusal by Kafka (a login, a certificate, an ACL: said by {@code KafkaRefusalLog}) is
 * different: the operator can fix it while the exporter runs, so the thread is replaced after a
 * pause of {@link #REFUSAL_PAUSE}, for as long as it lasts, and does not count as a failure.
 */
final class StreamThreadFailures {

  private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);
  static final int REPLACEMENTS = 3;
  static final Duration WINDOW = Duration.ofMinutes(10);

  static final Duration REFUSAL_PAUSE = Duration.ofSeconds(5);

  private final Deque<Long> recent = new ArrayDeque<>();
  private final Duration refusalPause;
  private long lastRefusalLog = -1;

  StreamThreadFailures() {
    this(REFUSAL_PAUSE);
  }

  StreamThreadFailures(Duration refusalPause) {
    this.refusalPause = refusalPause;
  }

  synchronized StreamThreadExceptionResponse respond(Throwable failure) {
    return respond(failure, System.nanoTime());
  }

  /**
   * @param refused whether the failure is a refusal by Kafka, said already in the exporter's words
   *     (see KafkaRefusalLog): then the failing thread waits {@link #REFUSAL_PAUSE} (it is the one
   *     calling) and is replaced, with no stack trace and no count towards the shutdown
   */
  StreamThreadExceptionResponse respond(Throwable failure, boolean refused) {
    if (!refused) {
      return respond(failure);
    }
    synchronized (this) {
      long now = System.nanoTime();
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

  synchronized StreamThreadExceptionResponse respond(Throwable failure, long nowNanos) {
    while (!recent.isEmpty() && nowNanos - recent.peekFirst() > WINDOW.toNanos()) {
      recent.removeFirst();
    }
    if (recent.size() >= REPLACEMENTS) {
      LOG.error(
          "A stream thread failed for the {}th time within {} min; the failure does not go away,"
              + " so the exporter stops (exit status 1). Last failure:",
          recent.size() + 1,
          WINDOW.toMinutes(),
          failure);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    recent.addLast(nowNanos);
    LOG.error(
        "Stream thread failed; replacing it ({} of {} replacements within {} min)",
        recent.size(),
        REPLACEMENTS,
        WINDOW.toMinutes(),
        failure);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }
}
