package io.flowexporter.asndb;

import java.nio.file.Path;

/**
 * One loaded country database: an immutable snapshot of a MaxMind-format (.mmdb) file, indexed for
 * fast lookups — GeoLite2-Country, GeoIP2-Country, GeoLite2-City, DB-IP's country and city
 * databases, or IPinfo Lite.
 *
 * <p>{@link #load(Path)} reads the file as {@link AsnDatabase#load} does, decoding only the country
 * fields of each distinct record, and keeps the same sorted primitive range arrays with a small
 * number per range for the country ({@link CountryCodes}), merging neighbouring ranges of one
 * country, and a table of the countries' English names. Lookups then touch only that index: they do
 * not block, do no I/O, allocate nothing and are safe from any number of threads.
 *
 * <p>Supported layouts are the {@link RecordShape.Kind#COUNTRY COUNTRY} {@link RecordShape}s.
 * Networks whose record has no country, or the code ZZ, look up as {@link #UNKNOWN}; so do networks
 * whose code is not two letters. Private and reserved addresses ({@link ReservedAddresses}) are
 * {@link #UNKNOWN} too, even in a file that maps them to a country.
 */
public final class CountryDatabase extends MmdbDatabase implements CountryLookup {

  private final String[] names; // by CountryCodes number

  CountryDatabase(DatabaseInfo info, RangeIndex ranges, String[] names) {
    super(info, ranges);
    this.names = names;
  }

  /**
   * Reads and indexes a country database, logging at INFO what was loaded.
   *
   * @param file a MaxMind DB file in one of the country {@link RecordShape}s
   * @throws AsnDatabaseException if the file is missing, unreadable, not a MaxMind DB file,
   *     truncated or damaged, holds no networks, or none of its records has a country field (an AS
   *     database, say: the message lists the fields it has); the message names the file and the
   *     problem
   */
  public static CountryDatabase load(Path file) throws AsnDatabaseException {
    return CountryDatabaseLoader.load(file);
  }

  @Override
  public String countryOf(String ipAddress) {
    return CountryCodes.code((int) ranges.findPublic(ipAddress));
  }

  @Override
  public String nameOf(String code) {
    return CountryCodes.nameOf(code, names);
  }
}
