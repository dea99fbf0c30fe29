package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.flow.InvalidReason;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs invalid records without flooding: at most one line per interval for the whole process, with
 * how many were skipped since the last line and a short sample of the latest. One instance is
 * shared by every partition's processor; thread-safe.
 */
public final class InvalidRecordLog {

  private static final Logger LOG = LoggerFactory.getLogger(InvalidRecordLog.class);
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Since when {@link #skippedSinceLog} counts: creation, then the last line logged. */
  private long windowStartNanos = System.nanoTime();

  private boolean loggedAny;
  private long skippedSinceLog;

  synchronized void report(InvalidReason reason, String sample) {
    skippedSinceLog++;
    long now = System.nanoTime();
    // The first invalid record is logged at once; after that, one line per interval.
    if (!loggedAny || now - windowStartNanos >= INTERVAL_NANOS) {
      LOG.warn(
          "Skipped {} invalid record(s) in the last {}s; latest: {}: {}",
          skippedSinceLog,
          TimeUnit.NANOSECONDS.toSeconds(now - windowStartNanos),
          reason.label(),
          sample);
      windowStartNanos = now;
      loggedAny = true;
      skippedSinceLog = 0;
    }
  }
}
