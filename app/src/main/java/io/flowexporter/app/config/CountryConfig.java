package io.flowexporter.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where countries come from. With a country database ({@code --country-db}) every counted flow
 * counts toward a country; without one, only the flows whose record carries pmacct's {@code
 * country_ip_src}/{@code country_ip_dst} do, and without those fields the country series are
 * absent. pmacct's fields win over the database where they name a country. Every instance of one
 * application id must be given the same setting, as they must the same {@code --asn}.
 *
 * @param database the country .mmdb file, if any
 * @param reloadCheckInterval how often the database file is checked for replacement
 */
public record CountryConfig(Optional<Path> database, Duration reloadCheckInterval) {

  /** No database: countries from pmacct's fields only. */
  public static final CountryConfig NONE =
      new CountryConfig(Optional.empty(), Duration.ofSeconds(10));
}
