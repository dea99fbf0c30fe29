package io.flowexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShutdownOrderTest {

  private final List<String> stopped = new CopyOnWriteArrayList<>();
  private final ShutdownOrder order = new ShutdownOrder();

  private AutoCloseable named(String name) {
    return () -> stopped.add(name);
  }

  @Test
  void theStreamStopsFirstThenTheRestLastAddedFirst() {
    order.add(named("registry"));
    order.add(named("http"));
    // The stream registers after the HTTP server here, yet stops before it.
    assertThat(order.startFirst(named("stream"), () -> stopped.add("started"))).isTrue();
    order.add(named("stream metrics"));
    order.closeAll();
    assertThat(stopped).containsExactly("started", "stream", "stream metrics", "http", "registry");
  }

  @Test
  void oneFailureDoesNotKeepTheOthersRunning() {
    order.add(named("registry"));
    order.add(
        () -> {
          throw new IllegalStateException("broken");
        });
    order.startFirst(
        () -> {
          throw new Exception("stream close failed");
        },
        () -> {});
    order.closeAll();
    assertThat(stopped).containsExactly("registry");
  }

  @Test
  void aStreamThatComesAfterCloseIsNeitherStartedNorRegistered() {
    order.closeAll();
    assertThat(order.startFirst(named("stream"), () -> stopped.add("started"))).isFalse();
    assertThat(stopped).isEmpty();
  }

  @Test
  void whatIsAddedAfterCloseStopsAtOnce() {
    order.closeAll();
    order.add(named("late"));
    assertThat(stopped).containsExactly("late");
  }

  @Test
  void addsFromTwoThreadsAreAllStopped() throws Exception {
    AtomicInteger closes = new AtomicInteger();
    Runnable adder =
        () -> {
          for (int i = 0; i < 10_000; i++) {
            order.add(closes::incrementAndGet);
          }
        };
    Thread other = new Thread(adder);
    other.start();
    adder.run();
    other.join();
    order.closeAll();
    assertThat(closes).hasValue(20_000);
  }
}
