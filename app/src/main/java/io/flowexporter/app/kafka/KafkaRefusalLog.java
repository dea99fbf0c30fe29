package io.flowexporter.app.kafka;

import io.flowexporter.app.kafka.KafkaRefusals.Refusal;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that tells the operator Kafka refuses the exporter: each refusal as one WARN line
 * in the exporter's words ({@link KafkaRefusals}), again at most once a minute while it lasts (a
 * different refusal at once), and the latest one for {@code /readyz} until {@link #clear()} says
 * Kafka accepted the exporter again. A refusal is the same while its kind and subject are ({@link
 * Refusal#sameAs}): the brokers of a cluster refuse by turns, each naming itself or its
 * certificate's date, and the first words stay, in the log and on {@code /readyz}, rather than a
 * line at every retry and a reason that changes. Called from the topic waiter, the stream threads'
 * handler and state listener; thread-safe.
 */
public final class KafkaRefusalLog {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRefusalLog.class);
  static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final KafkaRefusals refusals;
  private final LongSupplier nanoTime;
  private Refusal current;
  private long lastLogged;

  public KafkaRefusalLog(KafkaRefusals refusals) {
    this(refusals, System::nanoTime);
  }

  KafkaRefusalLog(KafkaRefusals refusals, LongSupplier nanoTime) {
    this.refusals = refusals;
    this.nanoTime = nanoTime;
  }

  /**
   * Reports {@code failure} if it is a refusal.
   *
   * @return the refusal, or empty if the failure is something else (the caller says it then)
   */
  public synchronized Optional<Refusal> report(Throwable failure) {
    Optional<Refusal> refusal = refusals.classify(failure);
    refusal.ifPresent(
        r -> {
          if (current != null && current.sameAs(r)) {
            remind();
          } else {
            LOG.warn(r.message());
            lastLogged = nanoTime.getAsLong();
            current = r;
          }
        });
    return refusal;
  }

  /**
   * A failure that says nothing new (a timeout) while a refusal lasts: the refusal is said again if
   * a minute has passed.
   *
   * @return whether a refusal lasts (then the caller says nothing of its own)
   */
  public synchronized boolean remind() {
    if (current == null) {
      return false;
    }
    long now = nanoTime.getAsLong();
    if (now - lastLogged >= REPEAT_NANOS) {
      LOG.warn(current.message());
      lastLogged = now;
    }
    return true;
  }

  /** Kafka accepted the exporter: the refusal is over (said once in the log). */
  public synchronized void clear() {
    if (current != null) {
      LOG.info(
          "Kafka accepts the exporter now (it had refused: {})",
          current.kind().name().toLowerCase(Locale.ROOT));
      current = null;
    }
  }

  /** The refusal that lasts, if any: the reason {@code /readyz} gives. */
  public synchronized Optional<Refusal> current() {
    return Optional.ofNullable(current);
  }
}
