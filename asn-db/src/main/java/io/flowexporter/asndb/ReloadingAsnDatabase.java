package io.flowexporter.asndb;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AsnLookup} over a database file that may be replaced while the application runs, as
 * {@code geoipupdate} does (it writes a new file and renames it over the old one).
 *
 * <p>A daemon thread ({@code asn-db-reload}) checks the file every {@code checkInterval}: when its
 * inode, size or modification time differ from the last check it loads the file in that thread
 * and, if the load succeeds, swaps the new {@link AsnDatabase} in with one atomic reference
 * write. Lookups never wait and always see one whole database, old or new. A file that fails to
 * load (missing, truncated, not a .mmdb, unknown shape) is logged at WARN and reported to the
 * listener once; the previous database keeps answering, and the file is tried again when it
 * changes again.
 *
 * <p>Thread-safe. {@link #close()} stops the checks; lookups keep working on the last database.
 */
public final class ReloadingAsnDatabase implements AsnLookup, Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(ReloadingAsnDatabase.class);

  private final Path file;
  private final ReloadListener listener;
  private final AtomicReference<AsnDatabase> current;
  private final ScheduledExecutorService checker;
  private final Object checkLock = new Object();
  private FileState lastSeen; // guarded by checkLock

  private ReloadingAsnDatabase(Path file, ReloadListener listener, AsnDatabase first, FileState state) {
    this.file = file;
    this.listener = listener;
    this.current = new AtomicReference<>(first);
    this.lastSeen = state;
    this.checker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "asn-db-reload");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Loads {@code file} now and starts watching it.
   *
   * @param checkInterval how often to look at the file (a few seconds is plenty: geoipupdate
   *     runs at most a few times a week)
   * @param listener told about this first load, then about every reload and failed reload
   * @throws AsnDatabaseException if the first load fails (see {@link AsnDatabase#load})
   */
  public static ReloadingAsnDatabase open(
      Path file, Duration checkInterval, ReloadListener listener) throws AsnDatabaseException {
    Objects.requireNonNull(listener, "listener");
    if (checkInterval.isNegative() || checkInterval.isZero()) {
      throw new IllegalArgumentException("checkInterval must be positive: " + checkInterval);
    }
    FileState state = FileState.of(file);
    AsnDatabase first = AsnDatabase.load(file);
    ReloadingAsnDatabase database = new ReloadingAsnDatabase(file, listener, first, state);
    database.notifyLoaded(first.info());
    long millis = Math.max(1, checkInterval.toMillis());
    database.checker.scheduleWithFixedDelay(
        database::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
    return database;
  }

  /** The database answering lookups right now. */
  public AsnDatabase current() {
    return current.get();
  }

  /** What the database answering lookups right now was loaded from. */
  public DatabaseInfo info() {
    return current.get().info();
  }

  @Override
  public long asnOf(String ipAddress) {
    return current.get().asnOf(ipAddress);
  }

  @Override
  public String nameOf(long asn) {
    return current.get().nameOf(asn);
  }

  /**
   * Checks the file now, on the caller's thread, instead of waiting for the next scheduled check
   * (for a SIGHUP handler or an admin endpoint).
   *
   * @return true if a changed file was loaded and swapped in
   */
  public boolean reloadIfChanged() {
    synchronized (checkLock) {
      FileState state;
      try {
        state = FileState.of(file);
      } catch (AsnDatabaseException e) {
        state = FileState.MISSING;
        if (!state.equals(lastSeen)) {
          lastSeen = state;
          reportFailure(e);
        }
        return false;
      }
      if (state.equals(lastSeen)) {
        return false;
      }
      lastSeen = state;
      AsnDatabase loaded;
      try {
        loaded = AsnDatabase.load(file);
      } catch (AsnDatabaseException e) {
        reportFailure(e);
        return false;
      }
      current.set(loaded);
      notifyLoaded(loaded.info());
      return true;
    }
  }

  /** Stops watching the file. Lookups keep answering from the last loaded database. */
  @Override
  public void close() {
    checker.shutdownNow();
    try {
      checker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ReloadingAsnDatabase[" + file + "]";
  }

  private void checkQuietly() {
    try {
      reloadIfChanged();
    } catch (RuntimeException | Error e) {
      // a throw would cancel the scheduled checks for good
      LOG.error("Unexpected failure while checking AS database {} for changes", file, e);
    }
  }

  private void reportFailure(AsnDatabaseException e) {
    LOG.warn(
        "Could not reload AS database, still using the one built {}: {}",
        current.get().info().buildTime(),
        e.getMessage());
    try {
      listener.failed(file, e);
    } catch (RuntimeException listenerFailure) {
      LOG.warn("Reload listener failed", listenerFailure);
    }
  }

  private void notifyLoaded(DatabaseInfo info) {
    try {
      listener.loaded(info);
    } catch (RuntimeException listenerFailure) {
      LOG.warn("Reload listener failed", listenerFailure);
    }
  }

  /** What tells a replaced file from the old one: inode (where the platform has one), size, mtime. */
  private record FileState(Object fileKey, long size, FileTime modified) {
    static final FileState MISSING = new FileState(null, -1, null);

    static FileState of(Path file) throws AsnDatabaseException {
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileState(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
      } catch (java.nio.file.NoSuchFileException e) {
        throw new AsnDatabaseException(file, "no such file", e);
      } catch (IOException e) {
        throw new AsnDatabaseException(file, "cannot be read: " + e, e);
      }
    }
  }
}
