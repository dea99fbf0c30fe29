package io.flowexporter.app;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what follows a stream thread's failure: a replacement thread, up to {@value
 * #REPLACEMENTS} times within {@link #WINDOW}, for what a retry can cure (a broker that vanished
 * mid-commit); beyond that the failure is deterministic (a record or a stored total this version
 * cannot handle fails again in every new thread), so the client shuts down, the stream goes to
 * ERROR and the process exits with status 1 instead of replacing threads forever.
 */
final class StreamThreadFailures {

  private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);
  static final int REPLACEMENTS = 3;
  static final Duration WINDOW = Duration.ofMinutes(10);

  private final Deque<Long> recent = new ArrayDeque<>();

  synchronized StreamThreadExceptionResponse respond(Throwable failure) {
    return respond(failure, System.nanoTime());
  }

  /**
   * @param explained whether the failure was said already in the exporter's words (a refusal by
   *     Kafka, see KafkaRefusalLog): then no stack trace follows
   */
  synchronized StreamThreadExceptionResponse respond(Throwable failure, boolean explained) {
    return respond(failure, System.nanoTime(), explained);
  }

  synchronized StreamThreadExceptionResponse respond(Throwable failure, long nowNanos) {
    return respond(failure, nowNanos, false);
  }

  private StreamThreadExceptionResponse respond(Throwable failure, long nowNanos, boolean explained) {
    while (!recent.isEmpty() && nowNanos - recent.peekFirst() > WINDOW.toNanos()) {
      recent.removeFirst();
    }
    if (recent.size() >= REPLACEMENTS) {
      LOG.error("A stream thread failed for the {}th time within {} min; the failure does not go away,"
              + " so the exporter stops (exit status 1). Last failure:",
          recent.size() + 1, WINDOW.toMinutes(), explained ? failure.toString() : failure);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    recent.addLast(nowNanos);
    if (explained) {
      LOG.warn("Stream thread failed on that refusal; replacing it ({} of {} replacements within {} min)",
          recent.size(), REPLACEMENTS, WINDOW.toMinutes());
    } else {
      LOG.error("Stream thread failed; replacing it ({} of {} replacements within {} min)",
          recent.size(), REPLACEMENTS, WINDOW.toMinutes(), failure);
    }
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }
}
