package io.flowexporter.app.kafka;

import io.flowexporter.app.kafka.KafkaRefusals.Refusal;
import io.flowexporter.app.logging.RecentlySaid;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that tells the operator Kafka refuses the exporter: each refusal as one WARN line
 * in the exporter's words ({@link KafkaRefusals}), again at most once a minute while it lasts, and
 * the latest one for {@code /readyz} until {@link #clear()} says Kafka accepted the exporter again.
 * A refusal is the same while its kind and subject are ({@link Refusal#sameAs}): the brokers of a
 * cluster refuse by turns, each naming itself or its certificate's date, and the first words stay,
 * in the log and on {@code /readyz}, rather than a line at every retry and a reason that changes.
 * Each refusal is said at most once a minute also when it alternates with another (one broker's
 * certificate refused, another's ACLs) or comes and goes (one broker of three refuses): a refusal
 * back within the minute is held for {@code /readyz} without a line, and so is the "accepts now"
 * that would end it. Called from the topic waiter, the stream threads' handler and state listener;
 * thread-safe.
 */
public final class KafkaRefusalLog {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRefusalLog.class);
  static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final KafkaRefusals refusals;
  private final LongSupplier nanoTime;
  private Refusal current;

  /**
   * Whether a refusal was said since Kafka last accepted the exporter: then the log's last word
   * would be a refusal, and the end of it must be said.
   */
  private boolean saidSinceAccepted;

  /** The refusals said within the last minute. */
  private final RecentlySaid<Refusal.Identity> said = new RecentlySaid<>(REPEAT_NANOS);

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
            current = r;
            sayIfDue(r);
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
    sayIfDue(current);
    return true;
  }

  /**
   * Kafka accepted the exporter: the refusal is over (said once in the log, if a refusal was said
   * since the last time).
   */
  public synchronized void clear() {
    if (current != null) {
      if (saidSinceAccepted) {
        LOG.info(
            "Kafka accepts the exporter now (it had refused: {})",
            current.kind().name().toLowerCase(Locale.ROOT));
        saidSinceAccepted = false;
      }
      current = null;
    }
  }

  /** The refusal that lasts, if any: the reason {@code /readyz} gives. */
  public synchronized Optional<Refusal> current() {
    return Optional.ofNullable(current);
  }

  /** Says {@code r} unless it was said less than a minute ago. */
  private void sayIfDue(Refusal r) {
    if (said.due(r.identity(), nanoTime.getAsLong())) {
      LOG.warn(r.message());
      saidSinceAccepted = true;
    }
  }
}
