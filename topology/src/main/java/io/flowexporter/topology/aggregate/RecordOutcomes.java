package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.flow.InvalidReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What became of each input record since this process started: counted toward a series, unmatched
 * (not the operator's traffic), a pmacct marker, or invalid (by reason). The app exposes these as
 * {@code flow_exporter_records_total{outcome}} and {@code
 * flow_exporter_invalid_records_total{reason}}; the topology has no metrics library.
 *
 * <p>Thread-safe; counters only grow. They count processing, so records reprocessed after a crash
 * are counted again here (the traffic totals are not).
 */
public final class RecordOutcomes {

  private final LongAdder counted = new LongAdder();
  private final LongAdder unmatched = new LongAdder();
  private final LongAdder markers = new LongAdder();
  private final Map<InvalidReason, LongAdder> invalid = new EnumMap<>(InvalidReason.class);

  public RecordOutcomes() {
    for (InvalidReason reason : InvalidReason.values()) {
      invalid.put(reason, new LongAdder());
    }
  }

  void counted() {
    counted.increment();
  }

  void unmatched() {
    unmatched.increment();
  }

  void marker() {
    markers.increment();
  }

  void invalid(InvalidReason reason) {
    invalid.get(reason).increment();
  }

  public long countedTotal() {
    return counted.sum();
  }

  public long unmatchedTotal() {
    return unmatched.sum();
  }

  public long markerTotal() {
    return markers.sum();
  }

  public long invalidTotal(InvalidReason reason) {
    return invalid.get(reason).sum();
  }

  /** Invalid records of every reason. */
  public long invalidTotal() {
    return invalid.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
