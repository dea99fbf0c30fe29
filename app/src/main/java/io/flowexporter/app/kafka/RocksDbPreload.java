package io.flowexporter.app.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.rocksdb.RocksDB;

/**
 * Loads RocksDB's native library on a thread of its own as the exporter starts. The stores need it
 * when the first task opens them, late in the start; loading it then (copying 15 MB out of the jar
 * into a temporary file and linking it: 0.2-0.3 s here) delayed the first commit by as much. Done
 * early, it overlaps with the JVM's start, the HTTP server and the wait for the brokers.
 *
 * <p>The stream must {@link #await} it before Kafka Streams touches RocksDB: when linking fails (a
 * temporary directory mounted noexec, a C library the bundled build does not support), RocksDB
 * stays marked as loading and every later caller would wait for good; the failure is reported here
 * instead, with its cause.
 */
public final class RocksDbPreload {

  private final CompletableFuture<Void> loaded = new CompletableFuture<>();

  private RocksDbPreload() {}

  /** Starts loading; returns at once. */
  public static RocksDbPreload start() {
    return start(RocksDB::loadLibrary);
  }

  /** Starts {@code load} on a thread of its own; tests give a loader that fails. */
  static RocksDbPreload start(Runnable load) {
    RocksDbPreload preload = new RocksDbPreload();
    Thread t =
        new Thread(
            () -> {
              try {
                load.run();
                preload.loaded.complete(null);
              } catch (Throwable e) {
                preload.loaded.completeExceptionally(e);
              }
            },
            "rocksdb-preload");
    t.setDaemon(true);
    t.start();
    return preload;
  }

  /**
   * Waits until the library is loaded.
   *
   * @throws IllegalStateException naming the cause, when it could not be loaded
   */
  public void await() throws InterruptedException {
    try {
      loaded.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "RocksDB's native library, which the state stores need, could not be loaded"
              + " (it is copied to ROCKSDB_SHAREDLIB_DIR="
              + System.getenv("ROCKSDB_SHAREDLIB_DIR")
              + ", else to java.io.tmpdir="
              + System.getProperty("java.io.tmpdir")
              + ", which must allow executing it): "
              + e.getCause(),
          e.getCause());
    }
  }
}
