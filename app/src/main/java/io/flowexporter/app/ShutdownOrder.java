package io.flowexporter.app;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an exporter stops when it closes, and in which order: Kafka Streams first, so that the HTTP
 * server still serves the totals of its last commit while it stops, then everything else, last
 * started first. The main thread and the thread that starts the stream register alike, so every
 * method holds the lock. A resource that fails to stop is logged, and the rest still stop.
 */
final class ShutdownOrder {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownOrder.class);

  private final Deque<AutoCloseable> others = new ArrayDeque<>();
  private AutoCloseable first;
  private boolean closing;

  /** Stops {@code resource} after the stream, before what was added earlier. */
  synchronized void add(AutoCloseable resource) {
    if (closing) {
      // Added by a thread that lost the race with close(): stopped now, not leaked.
      closeQuietly(resource);
      return;
    }
    others.push(resource);
  }

  /**
   * Registers {@code stream} to stop before everything else and runs {@code start}, both at once
   * with respect to {@link #closeAll}: false, and neither, if closing has begun.
   */
  synchronized boolean startFirst(AutoCloseable stream, Runnable start) {
    if (closing) {
      return false;
    }
    if (first != null) {
      throw new IllegalStateException("a resource to stop first is already registered");
    }
    first = stream;
    start.run();
    return true;
  }

  /** Stops the first resource, then the others, last added first; later additions stop at once. */
  synchronized void closeAll() {
    closing = true;
    if (first != null) {
      closeQuietly(first);
      first = null;
    }
    while (!others.isEmpty()) {
      closeQuietly(others.pop());
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      LOG.warn("Error while stopping", e);
    }
  }
}
