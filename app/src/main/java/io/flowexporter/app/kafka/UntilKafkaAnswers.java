package io.flowexporter.app.kafka;

import io.flowexporter.app.logging.RecentlySaid;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NetworkException;
import org.slf4j.Logger;

/**
 * Asks Kafka the start's questions (does the input topic exist, how many owner partitions, where
 * does the group begin) until it answers. Each answer decides something that cannot be guessed (a
 * guess could give a series two owners, or count days of old traffic as current), so the start
 * waits for Kafka as long as it takes, like Kafka Streams itself would, instead of exiting after a
 * few tries: a broker restarting in that second costs a wait, not a restart of the exporter.
 *
 * <p>While it waits, the log says why once, again when the reason changes and at most once a minute
 * while it lasts; a refusal (login, TLS, ACL) is said by the {@link KafkaRefusalLog} in its words
 * and lasts for {@code /readyz} until Kafka answers.
 */
public final class UntilKafkaAnswers {

  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** One question to Kafka. */
  @FunctionalInterface
  public interface Request<T> {
    /**
     * Asks once.
     *
     * @throws ExecutionException Kafka's failure, as its admin client's futures give it
     * @throws TimeoutException no answer in the time the request allows
     * @throws NotYet Kafka answered, but what the start waits for is not there yet
     */
    T send() throws ExecutionException, TimeoutException, NotYet, InterruptedException;
  }

  /** Kafka answered, but what the start waits for is not there yet (a topic not created yet). */
  public static final class NotYet extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param problem said in the log as it is
     */
    public NotYet(String problem) {
      super(problem, null, false, false);
    }
  }

  private final String brokers;
  private final BooleanSupplier stopping;
  private final KafkaRefusalLog refusals;
  private final Duration pause;

  /**
   * @param brokers {@code --brokers}, as the log names Kafka
   * @param stopping true once the exporter is asked to stop: the waiting ends
   * @param refusals where a refusal is said, and cleared once Kafka answers
   */
  public UntilKafkaAnswers(String brokers, BooleanSupplier stopping, KafkaRefusalLog refusals) {
    this(brokers, stopping, refusals, RETRY);
  }

  /** With another pause between questions: tests. */
  UntilKafkaAnswers(
      String brokers, BooleanSupplier stopping, KafkaRefusalLog refusals, Duration pause) {
    this.brokers = brokers;
    this.stopping = stopping;
    this.refusals = refusals;
    this.pause = pause;
  }

  /** {@code --brokers}. */
  public String brokers() {
    return brokers;
  }

  /** The pause between two questions. */
  public Duration pause() {
    return pause;
  }

  /**
   * Sends {@code request} until Kafka answers it.
   *
   * @param log the asker's, so that the waiting is said in its name
   * @param topic the topic the request is about, named in a refusal of it (Kafka does not say which
   *     topic it denied); null when it is about none
   * @param need what the answer is for, said while Kafka does not answer; null for nothing more
   *     than "retrying"
   * @return the answer, or empty if the exporter was asked to stop first
   */
  public <T> Optional<T> ask(Logger log, String topic, String need, Request<T> request)
      throws InterruptedException {
    RecentlySaid<String> said = new RecentlySaid<>(REPEAT_NANOS);
    while (!stopping.getAsBoolean()) {
      String problem;
      try {
        T answer = request.send();
        refusals.clear(); // Kafka answered: a refusal said before is over
        return Optional.of(answer);
      } catch (NotYet e) {
        refusals.clear(); // Kafka let the exporter in and answered
        problem = e.getMessage();
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (topic != null) {
          cause = TopicWaiter.namingTheDeniedTopic(cause, topic);
        }
        // A client refused a moment ago backs off and then gets no answer: still the refusal.
        // Another failure is said as it is.
        if (refusals.report(cause).isPresent() || (noAnswer(cause) && refusals.remind())) {
          Thread.sleep(pause.toMillis());
          continue;
        }
        problem =
            "Kafka at "
                + brokers
                + (cause instanceof TimeoutException
                    // No answer at all: also what a client gets that speaks plain text to a
                    // TLS listener, or TLS to a plain one.
                    ? " is not reachable (check the address, and that security.protocol is the"
                        + " listener's)"
                    : noAnswer(cause)
                        ? " is not answering (" + cause.getMessage() + ")"
                        : " failed the request ("
                            + cause.getClass().getSimpleName()
                            + ": "
                            + cause.getMessage()
                            + ")")
                + "; retrying"
                + (need == null ? "" : ": the start needs " + need);
      }
      // Compared without its numbers: Kafka's timeout messages carry deadlines and attempt counts
      // that differ at every try. Each problem is said at most once a minute, also when two take
      // turns (one broker not reachable, another not answering).
      if (said.due(shapeOf(problem), System.nanoTime())) {
        log.warn(problem);
      }
      Thread.sleep(pause.toMillis());
    }
    return Optional.empty();
  }

  /** A failure that is no answer from Kafka: a timeout, a connection lost. */
  private static boolean noAnswer(Throwable cause) {
    return cause instanceof TimeoutException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException
        || cause instanceof DisconnectException
        || cause instanceof NetworkException;
  }

  /** A problem without its numbers: the same problem whatever deadlines and counts it names. */
  static String shapeOf(String problem) {
    return problem.replaceAll("[0-9]+", "#");
  }
}
