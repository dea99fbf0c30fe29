package io.flowexporter.app.kafka;

import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library on a thread of its own as the exporter starts. The stores need it
 * when the first task opens them, late in the start; loading it then (copying 15 MB out of the jar
 * into a temporary file and linking it: 0.2-0.3 s here) delayed the first commit by as much. Done
 * early, it overlaps with the JVM's start, the HTTP server and the wait for the brokers.
 */
public final class RocksDbPreload {

  private static final Logger LOG = LoggerFactory.getLogger(RocksDbPreload.class);

  private RocksDbPreload() {}

  /** Starts loading; returns at once. The stores wait for it if they need it sooner. */
  public static void start() {
    Thread t =
        new Thread(
            () -> {
              long t0 = System.nanoTime();
              try {
                RocksDB.loadLibrary();
                LOG.debug("RocksDB loaded in {} ms", (System.nanoTime() - t0) / 1_000_000);
              } catch (Throwable e) {
                // Kafka Streams loads it again when a store opens, and reports what fails then.
                LOG.debug("RocksDB could not be loaded ahead of the stores", e);
              }
            },
            "rocksdb-preload");
    t.setDaemon(true);
    t.start();
  }
}
