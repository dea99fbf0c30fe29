package io.flowexporter.app;

import io.flowexporter.asndb.DatabaseInfo;
import io.flowexporter.asndb.ReloadListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

/**
 * What AS database is loaded: {@code flow_exporter_asn_db_info{path,build_epoch,type} 1}, replaced
 * on every successful reload, and {@code flow_exporter_asn_db_reloads_total{result}}; for the
 * country database the same as {@code flow_exporter_country_db_*}.
 */
final class AsnDbMetrics implements ReloadListener {

  private final MeterRegistry registry;
  private final Counter successes;
  private final Counter failures;
  private Gauge info;
  private boolean initialLoad = true;

  private final String prefix;
  private final String what;

  AsnDbMetrics(MeterRegistry registry) {
    this(registry, "flow.exporter.asn.db", "AS database");
  }

  /** The metrics of the country database. */
  static AsnDbMetrics forCountries(MeterRegistry registry) {
    return new AsnDbMetrics(registry, "flow.exporter.country.db", "country database");
  }

  private AsnDbMetrics(MeterRegistry registry, String prefix, String what) {
    this.registry = registry;
    this.prefix = prefix;
    this.what = what;
    this.successes =
        Counter.builder(prefix + ".reloads")
            .tag("result", "success")
            .description(what + " reloads after the file was replaced")
            .register(registry);
    this.failures =
        Counter.builder(prefix + ".reloads")
            .tag("result", "failure")
            .description(what + " reloads after the file was replaced")
            .register(registry);
  }

  @Override
  public synchronized void loaded(DatabaseInfo db) {
    if (info != null) {
      registry.remove(info);
    }
    info =
        Gauge.builder(prefix + ".info", () -> 1)
            .description("The " + what + " in use")
            .tag("path", db.path().toString())
            .tag("build_epoch", Long.toString(db.buildEpoch()))
            .tag("type", db.type())
            .register(registry);
    // The database logs its own loads; the first load is not a reload.
    if (initialLoad) {
      initialLoad = false;
    } else {
      successes.increment();
    }
  }

  @Override
  public void failed(Path file, Exception cause) {
    failures.increment();
  }
}
