package io.flowexporter.app;

import io.flowexporter.app.config.AsnDbConfig;
import io.flowexporter.app.config.CountryConfig;
import io.flowexporter.asndb.AsnDatabaseException;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.AsnNameOverrides;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.asndb.ReloadingAsnDatabase;
import io.flowexporter.asndb.ReloadingCountryDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the AS and country databases the flags name, each reloaded when its file is replaced. A
 * file that cannot be used is a bad flag ({@link StartupFlagException}, exit status 2); what was
 * loaded and from where is logged by the loaders and here.
 */
final class LookupDatabases {

  private static final Logger LOG = LoggerFactory.getLogger(LookupDatabases.class);

  private final MeterRegistry registry;
  private final ShutdownOrder shutdown;

  /** Databases opened here are closed by {@code shutdown}; their reload meters go to registry. */
  LookupDatabases(MeterRegistry registry, ShutdownOrder shutdown) {
    this.registry = registry;
    this.shutdown = shutdown;
  }

  /** The AS database and the name overrides of {@code --asn-names} over it. */
  AsnLookup openAsn(AsnDbConfig db) throws StartupFlagException {
    AsnLookup lookup = AsnLookup.EMPTY;
    if (db.database().isPresent()) {
      try {
        ReloadingAsnDatabase reloading =
            ReloadingAsnDatabase.open(
                db.database().get(), db.reloadCheckInterval(), new AsnDbMetrics(registry));
        shutdown.add(reloading);
        lookup = reloading;
      } catch (AsnDatabaseException e) {
        throw new StartupFlagException("--asn-db", e.getMessage(), e);
      }
    } else {
      LOG.warn("No --asn-db given: AS name labels will be empty and AS 0 stays AS 0");
    }
    if (db.names().isPresent()) {
      try {
        AsnNameOverrides names = AsnNameOverrides.load(db.names().get());
        LOG.info("Loaded {} AS name overrides from {}", names.size(), db.names().get());
        lookup = names.applyTo(lookup);
      } catch (AsnDatabaseException e) {
        throw new StartupFlagException("--asn-names", e.getMessage(), e);
      }
    }
    return lookup;
  }

  /** Your own ASes are on every series: says once if the database cannot name them. */
  static void warnAboutUnnamed(List<Long> ownAsns, AsnDbConfig db, AsnLookup asn) {
    if (db.database().isEmpty() && db.names().isEmpty()) {
      return;
    }
    for (long own : ownAsns) {
      if (asn.nameOf(own).isEmpty()) {
        LOG.warn(
            "AS {} (--asn) has no name in the AS database; its name labels will be empty (name it in --asn-names)",
            own);
      }
    }
  }

  /** The country database, if any. */
  CountryLookup openCountry(CountryConfig c) throws StartupFlagException {
    if (c.database().isEmpty()) {
      LOG.info(
          "No --country-db: countries come from pmacct's country_ip_src/country_ip_dst alone;"
              + " records without them count toward no flow_country_* series");
      return CountryLookup.EMPTY;
    }
    try {
      ReloadingCountryDatabase reloading =
          ReloadingCountryDatabase.open(
              c.database().get(), c.reloadCheckInterval(), AsnDbMetrics.forCountries(registry));
      shutdown.add(reloading);
      LOG.info(
          "Counting countries from {}, reloaded when the file is replaced; pmacct's country_ip_src/country_ip_dst win where records have them",
          c.database().get());
      return reloading;
    } catch (AsnDatabaseException e) {
      throw new StartupFlagException("--country-db", e.getMessage(), e);
    }
  }
}
