package io.flowexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {

  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private final RuntimeException failure = new IllegalStateException("bad bucket");

  @Test
  void threeReplacementsThenTheClientShutsDown() {
    StreamThreadFailures f = new StreamThreadFailures();
    assertThat(f.respond(failure, 0)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(f.respond(failure, MINUTE)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(f.respond(failure, 2 * MINUTE))
        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(f.respond(failure, 3 * MINUTE))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }

  @Test
  void failuresOlderThanTheWindowAreForgiven() {
    StreamThreadFailures f = new StreamThreadFailures();
    for (long minute : new long[] {0, 5, 6}) {
      assertThat(f.respond(failure, minute * MINUTE))
          .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
    // Eleven minutes after the first: that one has left the ten-minute window, two remain.
    assertThat(f.respond(failure, 11 * MINUTE))
        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    // Now three within ten minutes (5, 6, 11): the fourth stops the client.
    assertThat(f.respond(failure, 12 * MINUTE))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }

  @Test
  void aRefusalIsRetriedAfterAPauseForAsLongAsItLasts() {
    StreamThreadFailures f = new StreamThreadFailures(java.time.Duration.ofMillis(50));
    for (int i = 0; i < 10; i++) {
      long start = System.nanoTime();
      assertThat(f.respond(failure, true)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
      assertThat(System.nanoTime() - start)
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }
    // Refusals do not count: three other failures are still allowed.
    for (int i = 0; i < 3; i++) {
      assertThat(f.respond(failure, i * MINUTE))
          .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
    assertThat(f.respond(failure, 3 * MINUTE))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }
}
