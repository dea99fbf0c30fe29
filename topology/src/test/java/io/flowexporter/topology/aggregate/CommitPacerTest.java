package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CommitPacerTest {

  /** Runs on a new thread, whose limit no other test has touched; rethrows its assertion errors. */
  private static void onNewThread(Runnable body) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
                done.complete(null);
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            });
    t.start();
    try {
      done.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError failure) {
        throw failure;
      }
      throw e;
    }
  }

  @Test
  void asksAtMostOncePerIntervalOnOneThread() throws Exception {
    onNewThread(
        () -> {
          CommitPacer pacer = new CommitPacer(1000);
          assertThat(pacer.shouldRequestCommit(10_000)).isTrue();
          assertThat(pacer.shouldRequestCommit(10_001)).isFalse();
          assertThat(pacer.shouldRequestCommit(10_999)).isFalse();
          assertThat(pacer.shouldRequestCommit(11_000)).isTrue();
          // Another owner task on the same thread shares the limit: one request commits every task.
          assertThat(new CommitPacer(1000).shouldRequestCommit(11_500)).isFalse();
        });
  }

  @Test
  void eachThreadHasItsOwnLimit() throws Exception {
    CommitPacer pacer = new CommitPacer(1000);
    onNewThread(() -> assertThat(pacer.shouldRequestCommit(5_000)).isTrue());
    onNewThread(() -> assertThat(pacer.shouldRequestCommit(5_001)).isTrue());
  }
}
