package io.flowexporter.app.logging;

import java.util.HashMap;
import java.util.Map;

/**
 * Which lines were said lately, by what they are about: a line is due when the same one was not
 * said within the interval, also when several take turns (a line per problem, not per change of
 * problem). Keys said longer ago are forgotten, so it holds only the last interval's. Not
 * thread-safe: its users hold their own lock, or keep one per thread.
 *
 * @param <K> what a line is about (equal keys are the same line)
 */
public final class RecentlySaid<K> {

  private final long intervalNanos;
  private final Map<K, Long> said = new HashMap<>();

  /** Lines said again at most once an {@code intervalNanos}. */
  public RecentlySaid(long intervalNanos) {
    this.intervalNanos = intervalNanos;
  }

  /**
   * Whether the line about {@code key} is due at {@code now} (System.nanoTime()): not said within
   * the interval. If so it counts as said now.
   */
  public boolean due(K key, long now) {
    said.values().removeIf(at -> now - at >= intervalNanos);
    return said.putIfAbsent(key, now) == null;
  }
}
