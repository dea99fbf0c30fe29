package io.flowexporter.topology.aggregate;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs a test's body on a thread of its own, for what keeps state per thread ({@link CommitPacer}),
 * so that no other test has touched it; rethrows the body's assertion errors.
 */
final class OnNewThread {

  interface Body {
    void run() throws Exception;
  }

  private OnNewThread() {}

  static void run(Body body) throws Exception {
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
}
