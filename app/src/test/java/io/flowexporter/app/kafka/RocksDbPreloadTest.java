package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RocksDbPreloadTest {

  /**
   * In a JVM of its own, as other tests here load RocksDB themselves: after {@code await()} the
   * library is loaded, before anything else touched RocksDB.
   */
  @Test
  void theRealLibraryLoads() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LoadAndReport.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("before: NOT_LOADED", "after: LOADED");
  }

  /** Prints RocksDB's own record of its library before the preload and after its await(). */
  static final class LoadAndReport {
    public static void main(String[] args) throws Exception {
      Field state = org.rocksdb.RocksDB.class.getDeclaredField("libraryLoaded");
      state.setAccessible(true);
      System.out.println("before: " + ((AtomicReference<?>) state.get(null)).get());
      RocksDbPreload.start().await();
      System.out.println("after: " + ((AtomicReference<?>) state.get(null)).get());
    }
  }

  @Test
  void aLibraryThatCannotBeLinkedStopsTheStartWithItsCause() {
    RocksDbPreload failing =
        RocksDbPreload.start(
            () -> {
              throw new UnsatisfiedLinkError("/tmp/librocksdbjni.so: failed to map segment");
            });
    assertThatThrownBy(failing::await)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("RocksDB's native library")
        .hasMessageContaining("java.io.tmpdir=")
        .hasMessageContaining("failed to map segment")
        .cause()
        .isInstanceOf(UnsatisfiedLinkError.class);
  }

  @Test
  void awaitWaitsForTheLoad() throws InterruptedException {
    long[] loadedAt = new long[1];
    RocksDbPreload slow =
        RocksDbPreload.start(
            () -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              loadedAt[0] = System.nanoTime();
            });
    slow.await();
    assertThat(loadedAt[0]).isNotZero();
  }
}
