package io.flowexporter.app.it;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: tests wait for outcomes, not for time. */
public final class Await {

  private Await() {}

  /**
   * Waits until {@code condition} returns true.
   *
   * @param describe called on timeout, to say what was last seen
   */
  public static void until(
      Duration timeout, Supplier<Boolean> condition, Supplier<String> describe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not true within " + timeout + ": " + describe.get());
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
