package io.flowexporter.asndb;

import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database file that may be replaced while the application runs, as {@code geoipupdate} does (it
 * writes a new file and renames it over the old one): the reload mechanism of {@link
 * ReloadingAsnDatabase} and {@link ReloadingCountryDatabase}.
 *
 * <p>A daemon thread ({@code asn-db-reload}, {@code country-db-reload}) checks the file every
 * {@code checkInterval}: when its inode, size or modification time differ from the last check it
 * loads the file in that thread and, if the load succeeds, swaps the new database in with one
 * atomic reference write. Lookups never wait and always see one whole database, old or new. A file
 * that fails to load (missing, truncated, not a .mmdb, records of the wrong kind) is logged at WARN
 * and reported to the listener once; the previous database keeps answering, and the file is tried
 * again when it changes again.
 *
 * <p>Thread-safe. {@link #close()} stops the checks; lookups keep working on the last database.
 *
 * @param <T> the database: {@link AsnDatabase} or {@link CountryDatabase}
 */
public abstract sealed class ReloadingDatabase<T extends MmdbDatabase> implements Closeable
    permits ReloadingAsnDatabase, ReloadingCountryDatabase {

  /**
   * How one kind of database is loaded, and named in logs and thread names.
   *
   * @param name the short name: {@code asn-db}, {@code country-db}
   * @param description the name in log lines: {@code AS database}, {@code country database}
   */
  record Kind<T>(String name, String description, Loader<T> loader) {}

  /** Loads a database file. */
  interface Loader<T> {
    T load(Path file) throws AsnDatabaseException;
  }

  private final Logger log = LoggerFactory.getLogger(getClass());
  private final Path file;
  private final Kind<T> kind;
  private final ReloadListener listener;
  private final AtomicReference<T> current;
  private final ScheduledExecutorService checker;
  private final Object checkLock = new Object();
  private FileState lastSeen; // guarded by checkLock

  /** Loads the file now; {@link #start} then reports the load and starts watching. */
  ReloadingDatabase(Path file, Duration checkInterval, ReloadListener listener, Kind<T> kind)
      throws AsnDatabaseException {
    Objects.requireNonNull(listener, "listener");
    if (checkInterval.isNegative() || checkInterval.isZero()) {
      throw new IllegalArgumentException("checkInterval must be positive: " + checkInterval);
    }
    this.file = file;
    this.kind = kind;
    this.listener = listener;
    this.lastSeen = FileState.of(file);
    this.current = new AtomicReference<>(kind.loader().load(file));
    this.checker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, kind.name() + "-reload");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Tells the listener about the first load and schedules the checks. */
  final void start(Duration checkInterval) {
    notifyLoaded(info());
    long millis = Math.max(1, checkInterval.toMillis());
    checker.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** The database answering lookups right now. */
  public T current() {
    return current.get();
  }

  /** What the database answering lookups right now was loaded from. */
  public DatabaseInfo info() {
    return current.get().info();
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
      T loaded;
      try {
        loaded = kind.loader().load(file);
      } catch (AsnDatabaseException e) {
        reportFailure(e);
        return false;
      } catch (RuntimeException | Error e) {
        // Out of memory for a large file, a file truncated while mapped: a failed reload like any
        // other (warned, counted), the database in use kept.
        reportFailure(new AsnDatabaseException(file, "could not be read (" + e + ")", e));
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
    return getClass().getSimpleName() + "[" + file + "]";
  }

  private void checkQuietly() {
    try {
      reloadIfChanged();
    } catch (RuntimeException | Error e) {
      // a throw would cancel the scheduled checks for good
      log.error("Unexpected failure while checking {} {} for changes", kind.description(), file, e);
    }
  }

  private void reportFailure(AsnDatabaseException e) {
    log.warn(
        "Could not reload {}, still using the one built {}: {}",
        kind.description(),
        info().buildTime(),
        e.getMessage());
    try {
      listener.failed(file, e);
    } catch (RuntimeException listenerFailure) {
      log.warn("Reload listener failed", listenerFailure);
    }
  }

  private void notifyLoaded(DatabaseInfo info) {
    try {
      listener.loaded(info);
    } catch (RuntimeException listenerFailure) {
      log.warn("Reload listener failed", listenerFailure);
    }
  }
}
