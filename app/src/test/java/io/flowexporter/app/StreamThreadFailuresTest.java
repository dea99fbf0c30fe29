package io.flowexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.kafka.UnreadableFormats;
import io.flowexporter.topology.aggregate.UnreadableFormatException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {

  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final StreamThreadExceptionResponse REPLACE =
      StreamThreadExceptionResponse.REPLACE_THREAD;
  private static final StreamThreadExceptionResponse SHUTDOWN =
      StreamThreadExceptionResponse.SHUTDOWN_CLIENT;

  private final RuntimeException failure = new IllegalStateException("bad bucket");
  private long now;

  private StreamThreadFailures failures(Duration refusalPause) {
    return new StreamThreadFailures(new UnreadableFormats("app", "flows"), refusalPause, () -> now);
  }

  private StreamThreadFailures failures() {
    return failures(StreamThreadFailures.REFUSAL_PAUSE);
  }

  private StreamThreadExceptionResponse failAt(StreamThreadFailures f, long minutes) {
    now = minutes * MINUTE;
    return f.respond(failure, false);
  }

  private void stateAt(StreamThreadFailures f, double minutes, State state) {
    now = (long) (minutes * MINUTE);
    f.stateChanged(state);
  }

  @Test
  void threeReplacementsThenTheClientShutsDown() {
    StreamThreadFailures f = failures();
    assertThat(failAt(f, 0)).isEqualTo(REPLACE);
    assertThat(failAt(f, 1)).isEqualTo(REPLACE);
    assertThat(failAt(f, 2)).isEqualTo(REPLACE);
    assertThat(failAt(f, 3)).isEqualTo(SHUTDOWN);
  }

  @Test
  void threadsFailingTogetherAreOneFailure() {
    StreamThreadFailures f = failures();
    for (int failure = 0; failure < 3; failure++) {
      for (int thread = 0; thread < 4; thread++) {
        now = failure * MINUTE + thread * 1_000_000_000L; // a second apart
        assertThat(f.respond(this.failure, false))
            .as("failure %d, thread %d", failure, thread)
            .isEqualTo(REPLACE);
      }
    }
    assertThat(failAt(f, 3)).isEqualTo(SHUTDOWN);
  }

  @Test
  void failuresFourMinutesApartWithoutAHealthyRunStopAfterThreeReplacements() {
    // As under exactly-once: each replacement waits out the session timeout and restores, runs a
    // few seconds and fails again on the same data. A ten-minute window would forgive this.
    StreamThreadFailures f = failures();
    stateAt(f, 0, State.RUNNING);
    for (int i = 0; i < 3; i++) {
      assertThat(failAt(f, 4L * i + 1)).isEqualTo(REPLACE);
      stateAt(f, 4 * i + 1.01, State.REBALANCING);
      stateAt(f, 4 * i + 4.9, State.RUNNING);
    }
    assertThat(failAt(f, 13)).isEqualTo(SHUTDOWN);
  }

  @Test
  void failuresSeparatedByAHealthyRunKeepBeingReplaced() {
    StreamThreadFailures f = failures();
    stateAt(f, 0, State.RUNNING);
    for (long minute = 10; minute < 100; minute += 10) {
      // Each failure comes more than HEALTHY after the stream was RUNNING again.
      assertThat(failAt(f, minute)).as("failure at minute %d", minute).isEqualTo(REPLACE);
      stateAt(f, minute + 0.1, State.REBALANCING);
      stateAt(f, minute + 2, State.RUNNING);
    }
  }

  @Test
  void aHealthyRunThatEndedBeforeTheNextFailureStillCounts() {
    StreamThreadFailures f = failures();
    for (int i = 0; i < 3; i++) {
      assertThat(failAt(f, i)).isEqualTo(REPLACE);
    }
    stateAt(f, 3, State.RUNNING);
    stateAt(f, 9, State.REBALANCING); // six minutes RUNNING, then another instance joins
    assertThat(failAt(f, 10)).isEqualTo(REPLACE);
  }

  @Test
  void aRunShorterThanHealthyOrBrokenByAFailureDoesNotResetTheCount() {
    StreamThreadFailures f = failures();
    stateAt(f, 0, State.RUNNING);
    assertThat(failAt(f, 4)).isEqualTo(REPLACE);
    // RUNNING all along, but the time before the failure at minute 4 does not count again.
    assertThat(failAt(f, 8)).isEqualTo(REPLACE);
    stateAt(f, 8.5, State.REBALANCING);
    stateAt(f, 9, State.RUNNING);
    stateAt(f, 13, State.REBALANCING); // four minutes: short of HEALTHY
    assertThat(failAt(f, 14)).isEqualTo(REPLACE);
    assertThat(failAt(f, 15)).isEqualTo(SHUTDOWN);
  }

  @Test
  void dataThisVersionCannotReadStopsTheClientAtItsFirstOccurrence() {
    StreamThreadFailures f = failures();
    Throwable wrapped =
        new StreamsException(
            "failed to initialize processor own-series",
            new UnreadableFormatException(
                "a bucket in format 9, not 3", "series-totals-changelog", true));
    assertThat(f.respond(wrapped, false)).isEqualTo(SHUTDOWN);
    // Not counted: other failures still get their replacements.
    assertThat(failAt(f, 0)).isEqualTo(REPLACE);
  }

  @Test
  void aRefusalIsRetriedAfterAPauseForAsLongAsItLasts() {
    StreamThreadFailures f = failures(Duration.ofMillis(50));
    for (int i = 0; i < 10; i++) {
      long start = System.nanoTime();
      assertThat(f.respond(failure, true)).isEqualTo(REPLACE);
      assertThat(System.nanoTime() - start)
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }
    // Refusals do not count: three other failures are still allowed.
    for (int i = 0; i < 3; i++) {
      assertThat(failAt(f, i)).isEqualTo(REPLACE);
    }
    assertThat(failAt(f, 3)).isEqualTo(SHUTDOWN);
  }
}
