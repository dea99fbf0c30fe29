package io.flowexporter.app.flows;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the connection of a scan still running {@link #GRACE} after its timeout. A scan checks its
 * timeout between writes, but a write to a client that stopped reading (its network gone, or a
 * script that never reads) blocks once the connection's buffers are full, until the HTTP server's
 * idle timeout: without this the scan would hold its slot among {@code --api-max-scans}, its thread
 * and its Kafka consumer for that long past its own timeout. Cutting the connection fails the
 * blocked write at once.
 *
 * <p>One timer thread for all scans, started with the first and gone when none has run for a while.
 */
final class OverdueScans {

  /** How long past its timeout a scan may still be writing before its connection is cut. */
  static final Duration GRACE = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(OverdueScans.class);
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private OverdueScans() {}

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "flow-api-overdue-scans");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(30, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    return timer;
  }

  /**
   * Runs {@code cut} {@link #GRACE} after {@code deadlineNanos} (a {@link System#nanoTime()}),
   * unless the returned watch is closed first.
   */
  static Watch watch(long deadlineNanos, Runnable cut) {
    Watch watch = new Watch(cut);
    // A scan that reached its deadline before the watch began (a slow start, a pause) still gets
    // the whole grace to write its end line.
    long delay = Math.max(0, deadlineNanos - System.nanoTime()) + GRACE.toNanos();
    synchronized (watch) {
      watch.task = TIMER.schedule(watch::fire, delay, TimeUnit.NANOSECONDS);
    }
    return watch;
  }

  /** One scan's watch: closed when the scan ends; once closed, it never cuts. */
  static final class Watch implements AutoCloseable {
    private final Runnable cut;
    private boolean fired;
    private boolean closed;
    private ScheduledFuture<?> task;

    private Watch(Runnable cut) {
      this.cut = cut;
    }

    private synchronized void fire() {
      if (closed) {
        return;
      }
      try {
        cut.run();
        fired = true;
      } catch (RuntimeException e) {
        // The scan then ends at the HTTP server's idle timeout, as it would without the watch.
        LOG.warn(
            "Could not close the connection of a flow scan past its timeout: {}", e.toString());
      }
    }

    /** Whether the connection was cut: the scan outlived its timeout writing to its client. */
    synchronized boolean fired() {
      return fired;
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (task != null) {
        task.cancel(false);
      }
    }
  }
}
