package io.flowexporter.topology.series;

import io.flowexporter.topology.enrich.Direction;
import java.util.Objects;

/**
 * One exposed counter of a family: its series of one direction, one amount.
 *
 * @param direction the series it shows
 * @param unit the amount it shows
 * @param name the metric name without {@code _total}
 * @param help the HELP text
 */
public record Counter(Direction direction, Unit unit, String name, String help) {
  public Counter {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(help, "help");
  }
}
