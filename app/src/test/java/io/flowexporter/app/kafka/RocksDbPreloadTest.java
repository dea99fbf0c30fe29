package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RocksDbPreloadTest {

  @Test
  void theRealLibraryLoads() throws InterruptedException {
    RocksDbPreload.start().await();
    // Loaded: Kafka Streams' own call returns at once.
    org.rocksdb.RocksDB.loadLibrary();
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
