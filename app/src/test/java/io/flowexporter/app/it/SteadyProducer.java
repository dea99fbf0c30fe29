package io.flowexporter.app.it;

import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link PmacctRecords} messages at a steady rate from its own thread, for the tests that
 * crash or stop things while traffic flows. It stops when told to or when {@code maxDuration} has
 * passed, whichever comes first, so a failing test never leaves it running.
 *
 * <p>The expected totals ({@link PmacctRecords#expected}) are exact only if every send was
 * acknowledged: {@link #finish()} fails the test otherwise. It also remembers what each
 * acknowledged message adds to them, by partition and offset ({@link #producedIn}).
 */
public final class SteadyProducer implements AutoCloseable {

  private final String brokers;
  private final String topic;
  private final PmacctRecords records;
  private final int perSecond;
  private final Duration maxDuration;
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
  private final Map<Integer, NavigableMap<Long, Traffic>> byOffset = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean stop;
  private boolean paused;
  private boolean idle;

  private SteadyProducer(
      String brokers, String topic, PmacctRecords records, int perSecond, Duration maxDuration) {
    this.brokers = brokers;
    this.topic = topic;
    this.records = records;
    this.perSecond = perSecond;
    this.maxDuration = maxDuration;
    this.thread = new Thread(this::run, "steady-producer-" + topic);
  }

  /** Starts writing {@code perSecond} messages a second to {@code topic}. */
  public static SteadyProducer start(
      String brokers, String topic, PmacctRecords records, int perSecond, Duration maxDuration) {
    SteadyProducer p = new SteadyProducer(brokers, topic, records, perSecond, maxDuration);
    p.thread.setDaemon(true);
    p.thread.start();
    return p;
  }

  private void run() {
    long start = System.nanoTime();
    long deadline = start + maxDuration.toNanos();
    int perTick = Math.max(1, perSecond / 20);
    try (KafkaProducer<String, String> producer = Topics.producer(brokers)) {
      long i = 0;
      while (!stop && System.nanoTime() < deadline) {
        if (pausing()) {
          producer.flush();
          long pausedAt = System.nanoTime();
          awaitResume();
          start +=
              System.nanoTime() - pausedAt; // the rate goes on from the resume, without a burst
          continue;
        }
        for (int n = 0; n < perTick; n++, i++) {
          String message = records.nextMessage();
          Traffic traffic = records.lastMessage();
          issued.incrementAndGet();
          producer.send(
              new ProducerRecord<>(topic, Long.toString(i), message),
              (md, e) -> {
                if (e == null) {
                  byOffset
                      .computeIfAbsent(md.partition(), p -> new ConcurrentSkipListMap<>())
                      .put(md.offset(), traffic);
                  sent.incrementAndGet();
                } else {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(null, e);
                }
              });
        }
        // Keep the rate: sleep until the time this many messages are due.
        long due = start + TimeUnit.SECONDS.toNanos(i) / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait), (int) (wait % 1_000_000));
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized boolean pausing() {
    return paused;
  }

  private synchronized void awaitResume() throws InterruptedException {
    idle = true;
    notifyAll();
    while (paused && !stop) {
      wait(100);
    }
    idle = false;
  }

  /**
   * Stops sending until {@link #resume()} and returns once every message sent so far is
   * acknowledged, so that {@link PmacctRecords#expected} stays still meanwhile. Returns at once if
   * the producer has already ended.
   */
  public void pause() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    synchronized (this) {
      paused = true;
      while (!idle && thread.isAlive()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("producer did not pause");
        }
        wait(100);
      }
    }
    while (sent.get() + failed.get() < issued.get() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Sends again after {@link #pause()}, at the same rate. */
  public synchronized void resume() {
    paused = false;
    notifyAll();
  }

  /** Messages acknowledged so far. */
  public long sent() {
    return sent.get();
  }

  /**
   * What the acknowledged messages at offsets {@code [from, to)} of {@code partition} add to the
   * expected totals.
   */
  public Traffic producedIn(int partition, long from, long to) {
    NavigableMap<Long, Traffic> offsets = byOffset.get(partition);
    return offsets == null || from >= to
        ? new Traffic()
        : Traffic.sum(offsets.subMap(from, to).values());
  }

  /**
   * Stops producing, waits for every acknowledgement, and fails if any send failed (then the
   * expected totals would not be known).
   */
  public void finish() throws InterruptedException {
    close();
    if (thread.isAlive()) {
      throw new AssertionError("producer did not stop");
    }
    if (failed.get() > 0) {
      throw new AssertionError(
          failed.get() + " sends failed; expected totals unknown", firstFailure.get());
    }
  }

  @Override
  public void close() throws InterruptedException {
    synchronized (this) {
      stop = true;
      notifyAll();
    }
    thread.join(TimeUnit.SECONDS.toMillis(150));
  }
}
