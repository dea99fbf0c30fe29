package io.flowexporter.app.logging;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The warning of a scheduled job that fails (a job that runs twice a second would otherwise write a
 * warning and a stack trace twice a second for as long as the failure lasts): the first failure at
 * once, with its stack trace, then at most one line a minute with how many failed meanwhile; with
 * its stack trace again after a quiet minute or when the failure is another one.
 */
public final class RepeatingFailureLog {

  static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Logger log;
  private final String what;
  private long lastLine;
  private boolean logged;
  private long heldBack;
  private Class<?> lastFailure;

  /**
   * @param what what failed, as a line starts: "Could not sample the rates for the console"
   */
  public RepeatingFailureLog(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  /** A failure at {@code now} (System.nanoTime()). */
  public synchronized void failed(Throwable e, long now) {
    boolean due = !logged || now - lastLine >= QUIET_NANOS;
    if (!due) {
      heldBack++;
      return;
    }
    String since = heldBack == 0 ? "" : " (" + (heldBack + 1) + " times since the last such line)";
    if (!logged || heldBack == 0 || !e.getClass().equals(lastFailure)) {
      // The first, the first after a quiet minute, or another fault: with its stack trace.
      log.warn("{}{}", what, since, e);
    } else {
      log.warn("{}{}: {}", what, since, e.toString());
    }
    logged = true;
    lastLine = now;
    lastFailure = e.getClass();
    heldBack = 0;
  }
}
