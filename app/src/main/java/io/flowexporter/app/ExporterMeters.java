package io.flowexporter.app;

import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.flow.InvalidReason;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The exporter's own meters ({@code flow_exporter_*}) and the JVM's, read from the objects that
 * keep the figures at scrape time: nothing on the counting path updates a meter. Kafka's client
 * metrics are bound later, once Kafka Streams exists.
 */
final class ExporterMeters {

  private ExporterMeters() {}

  /**
   * Registers every meter in {@code registry}; the returned resource stops the garbage collector's
   * listener and is closed with the exporter.
   */
  static AutoCloseable bind(
      MeterRegistry registry,
      RecordOutcomes outcomes,
      CommittedTotals committed,
      StreamView view,
      SeriesFamilies families) {
    bindRecordOutcomes(registry, outcomes);
    Gauge.builder("flow.exporter.ready", () -> view.ready() ? 1 : 0)
        .description("1 while the stream is RUNNING and connected to Kafka")
        .register(registry);
    Gauge.builder("flow.exporter.consumer.lag.records", view::consumerLag)
        .description("Records behind on this instance's input partitions")
        .register(registry);
    Gauge.builder("flow.exporter.partitions", view, StreamView::exposedPartitions)
        .description("Owner partitions whose series this instance exposes")
        .register(registry);
    for (SeriesFamily family : families.all()) {
      Gauge.builder("flow.exporter.series", view, v -> v.exposedSeries(family.id()))
          .description("Series of a family this instance exposes, its overflow series included")
          .tag("family", family.name())
          .register(registry);
      FunctionCounter.builder(
              "flow.exporter.series.overflow", committed, c -> c.overflowedTotal(family.id()))
          .description(
              "Updates of label sets beyond --max-series counted into the family's 'other' series, since this process started")
          .tag("family", family.name())
          .register(registry);
    }
    return bindJvm(registry);
  }

  private static void bindRecordOutcomes(MeterRegistry registry, RecordOutcomes outcomes) {
    for (String outcome : new String[] {"counted", "unmatched", "marker", "invalid"}) {
      FunctionCounter.builder(
              "flow.exporter.records",
              outcomes,
              o ->
                  switch (outcome) {
                    case "counted" -> o.countedTotal();
                    case "unmatched" -> o.unmatchedTotal();
                    case "marker" -> o.markerTotal();
                    default -> o.invalidTotal();
                  })
          .description("Input records by outcome since this process started")
          .tag("outcome", outcome)
          .register(registry);
    }
    for (InvalidReason reason : InvalidReason.values()) {
      FunctionCounter.builder(
              "flow.exporter.invalid.records", outcomes, o -> o.invalidTotal(reason))
          .description("Input records skipped as invalid, by reason, since this process started")
          .tag("reason", reason.label())
          .register(registry);
    }
  }

  private static AutoCloseable bindJvm(MeterRegistry registry) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return gc;
  }
}
