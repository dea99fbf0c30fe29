package io.flowexporter.topology.series;

import io.flowexporter.topology.enrich.Direction;
import java.util.List;
import java.util.Objects;

/**
 * One family of series, declared once: its labels, the counters it exposes and how a counted flow
 * yields its label sets. The aggregate (counting, the repartition format, the owner's store, the
 * bound and the expiry) and /metrics serve every family alike, so a new dimension is one more
 * declaration.
 *
 * @param id the family's number in every series key; part of the stored format, never reused
 * @param name short name, the {@code family} label of {@code flow_exporter_series}
 * @param labels the labels in key and render order
 * @param counters the exposed counters
 * @param extractor how a counted flow yields this family's series
 */
public record SeriesFamily(
    int id, String name, List<Label> labels, List<Counter> counters, Extractor extractor) {

  /**
   * How many family ids there are, 0 to {@code IDS - 1}: a key holds the id in 7 bits; tables by
   * family id have this length.
   */
  public static final int IDS = 128;

  /** Writes the label sets of one counted flow: zero, one or several. */
  @FunctionalInterface
  public interface Extractor {
    /**
     * For each series the flow counts toward: {@code out.begin()}, one value per label in order,
     * then {@code out.emit()}.
     */
    void extract(CountedFlow flow, SeriesKeyWriter out);
  }

  public SeriesFamily {
    if (id < 0 || id >= IDS) {
      throw new IllegalArgumentException("family id outside 0.." + (IDS - 1) + ": " + id);
    }
    Objects.requireNonNull(name, "name");
    labels = List.copyOf(labels);
    counters = List.copyOf(counters);
    Objects.requireNonNull(extractor, "extractor");
  }

  /** The counters of one direction, in declaration order. */
  public List<Counter> countersOf(Direction direction) {
    return counters.stream().filter(c -> c.direction() == direction).toList();
  }
}
