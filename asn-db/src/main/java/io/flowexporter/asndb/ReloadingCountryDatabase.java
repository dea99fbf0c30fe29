package io.flowexporter.asndb;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link CountryLookup} over a country database file that may be replaced while the application
 * runs, as {@code geoipupdate} does. The file is checked by a daemon thread, {@code
 * country-db-reload}; a good replacement is swapped in atomically, a bad one (an AS database, say)
 * is refused and the old database keeps answering: see {@link ReloadingDatabase}.
 *
 * <p>Thread-safe. {@link #close()} stops the checks; lookups keep working on the last database.
 */
public final class ReloadingCountryDatabase extends ReloadingDatabase<CountryDatabase>
    implements CountryLookup {

  private static final Kind<CountryDatabase> KIND =
      new Kind<>("country-db", "country database", CountryDatabase::load);

  private ReloadingCountryDatabase(Path file, Duration checkInterval, ReloadListener listener)
      throws AsnDatabaseException {
    super(file, checkInterval, listener, KIND);
  }

  /**
   * Loads {@code file} now and starts watching it.
   *
   * @param checkInterval how often to look at the file (a few seconds is plenty)
   * @param listener told about this first load, then about every reload and failed reload
   * @throws AsnDatabaseException if the first load fails (see {@link CountryDatabase#load})
   */
  public static ReloadingCountryDatabase open(
      Path file, Duration checkInterval, ReloadListener listener) throws AsnDatabaseException {
    ReloadingCountryDatabase database = new ReloadingCountryDatabase(file, checkInterval, listener);
    database.start(checkInterval);
    return database;
  }

  @Override
  public String countryOf(String ipAddress) {
    return current().countryOf(ipAddress);
  }

  @Override
  public String nameOf(String code) {
    return current().nameOf(code);
  }
}
