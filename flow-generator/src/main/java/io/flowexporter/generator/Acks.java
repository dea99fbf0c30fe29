package io.flowexporter.generator;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the broker acknowledged of the records sent; thread-safe, filled by the producer's
 * callbacks. A sender that counts acknowledgements, not sends, can say how many records are really
 * in the topic.
 */
public final class Acks {

  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> firstError = new AtomicReference<>();

  /** The producer callback's outcome: {@code error} is null for a written record. */
  public void completed(Exception error) {
    if (error == null) {
      acknowledged.incrementAndGet();
    } else {
      failed.incrementAndGet();
      firstError.compareAndSet(null, error);
    }
  }

  public long acknowledged() {
    return acknowledged.get();
  }

  public long failed() {
    return failed.get();
  }

  public Exception firstError() {
    return firstError.get();
  }
}
