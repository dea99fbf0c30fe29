package io.flowexporter.asndb;

import java.nio.file.Path;
import java.time.Duration;

/**
 * An {@link AsnLookup} over an AS database file that may be replaced while the application runs, as
 * {@code geoipupdate} does. The file is checked by a daemon thread, {@code asn-db-reload}; a good
 * replacement is swapped in atomically, a bad one is refused and the old database keeps answering:
 * see {@link ReloadingDatabase}.
 *
 * <p>Thread-safe. {@link #close()} stops the checks; lookups keep working on the last database.
 */
public final class ReloadingAsnDatabase extends ReloadingDatabase<AsnDatabase>
    implements AsnLookup {

  private static final Kind<AsnDatabase> KIND =
      new Kind<>("asn-db", "AS database", AsnDatabase::load);

  private ReloadingAsnDatabase(Path file, Duration checkInterval, ReloadListener listener)
      throws AsnDatabaseException {
    super(file, checkInterval, listener, KIND);
  }

  /**
   * Loads {@code file} now and starts watching it.
   *
   * @param checkInterval how often to look at the file (a few seconds is plenty: geoipupdate runs
   *     at most a few times a week)
   * @param listener told about this first load, then about every reload and failed reload
   * @throws AsnDatabaseException if the first load fails (see {@link AsnDatabase#load})
   */
  public static ReloadingAsnDatabase open(
      Path file, Duration checkInterval, ReloadListener listener) throws AsnDatabaseException {
    ReloadingAsnDatabase database = new ReloadingAsnDatabase(file, checkInterval, listener);
    database.start(checkInterval);
    return database;
  }

  @Override
  public long asnOf(String ipAddress) {
    return current().asnOf(ipAddress);
  }

  @Override
  public String nameOf(long asn) {
    return current().nameOf(asn);
  }
}
