package io.flowexporter.topology.series;

import java.util.Locale;

/** The three amounts every series sums; a family exposes those it declares counters for. */
public enum Unit {
  BYTES,
  PACKETS,
  FLOWS;

  /** {@code bytes}, {@code packets} or {@code flows}, as in the metric names. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
