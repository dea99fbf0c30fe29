package io.flowexporter.app.logging;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The warning of a scheduled job that fails (a job that runs twice a second would otherwise write a
 * warning and a stack trace twice a second for as long as the failure lasts): the first failure at
 * once, with its stack trace, then at most one line a minute with how many failed meanwhile.
 */
public final class RepeatingFailureLog {

  static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Logger log;
  private final String what;
  private long lastLine;
  private boolean logged;
  private long heldBack;

  /**
   * @param what what failed, as a line starts: "Could not sample the rates for the console"
   */
  public RepeatingFailureLog(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  /** A failure at {@code now} (System.nanoTime()). */
  public synchronized void failed(RuntimeException e, long now) {
    if (!logged) {
      log.warn("{}", what, e);
    } else if (now - lastLine >= QUIET_NANOS) {
      log.warn("{} ({} more times since the last such line): {}", what, heldBack + 1, e.toString());
    } else {
      heldBack++;
      return;
    }
    logged = true;
    lastLine = now;
    heldBack = 0;
  }
}
