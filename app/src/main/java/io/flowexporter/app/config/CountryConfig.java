package io.flowexporter.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether and how the country family is counted. It is counted when a country database is given
 * ({@code --country-db}) or when {@code --country-from-pmacct} says that pmacct adds the countries
 * itself; otherwise its series are absent. Every instance of one application id must be given the
 * same setting, as they must the same {@code --asn}.
 *
 * @param database the country .mmdb file, if any
 * @param fromPmacct count countries from pmacct's {@code country_ip_src} / {@code country_ip_dst}
 *     even without a database (they win over the database in any case)
 * @param reloadCheckInterval how often the database file is checked for replacement
 */
public record CountryConfig(
    Optional<Path> database, boolean fromPmacct, Duration reloadCheckInterval) {

  /** No countries: the family is absent. */
  public static final CountryConfig NONE =
      new CountryConfig(Optional.empty(), false, Duration.ofSeconds(10));

  /** Whether the country family is counted. */
  public boolean enabled() {
    return database.isPresent() || fromPmacct;
  }
}
