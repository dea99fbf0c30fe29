package io.flowexporter.app.console;

import io.flowexporter.topology.enrich.Direction;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One sample of the {@link RateSampler}, immutable: per dimension and direction every entity ranked
 * busiest first, and the instance's total per direction.
 *
 * @param sampledAt when the sample was taken; {@code null} before the first
 * @param interval time between samples
 * @param window how far back history goes at most
 * @param historyLength the length of every history: sampling intervals since the first sample, at
 *     most the window's
 * @param dimensions the dimensions this instance ranks
 * @param rankings per group, busiest first
 * @param totals per direction, the AS family's sum (every counted flow once)
 */
public record RateView(
    Instant sampledAt,
    Duration interval,
    Duration window,
    int historyLength,
    List<Dimension> dimensions,
    Map<RateSampler.Group, Ranking> rankings,
    Map<Direction, Entity> totals) {

  /**
   * One entity's rates (NaN until there are two samples, and while the instance is not ready),
   * committed totals and history.
   *
   * @param id the entity as {@link Dimension} writes it
   * @param history bits per second at each of the last {@code historyLength} sampling intervals,
   *     oldest first, NaN where unknown (not sampled, the instance not ready); {@code null} for an
   *     entity whose history is not kept
   */
  public record Entity(
      String id,
      double bitsPerSecond,
      double packetsPerSecond,
      double flowsPerSecond,
      long bytes,
      long packets,
      long flows,
      double[] history) {

    Entity withHistory(double[] h) {
      return new Entity(
          id, bitsPerSecond, packetsPerSecond, flowsPerSecond, bytes, packets, flows, h);
    }

    Entity withoutRates() {
      return new Entity(id, Double.NaN, Double.NaN, Double.NaN, bytes, packets, flows, history);
    }
  }

  /** A group's entities, busiest first (bits per second, then bytes). */
  public record Ranking(List<Entity> entities) {
    public Ranking {
      entities = List.copyOf(entities);
    }
  }

  static RateView empty(List<Dimension> dimensions, Duration interval, Duration window) {
    Map<Direction, Entity> totals = new EnumMap<>(Direction.class);
    for (Direction d : Direction.values()) {
      totals.put(
          d, new Entity("total", Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, new double[0]));
    }
    return new RateView(null, interval, window, 0, List.copyOf(dimensions), Map.of(), totals);
  }

  /**
   * This view with every rate unknown (NaN), its totals, order and histories kept: what a reader
   * sees while the instance is not ready, when the last sample's rates are no longer current.
   */
  RateView withoutRates() {
    Map<RateSampler.Group, Ranking> stale = new HashMap<>();
    rankings.forEach(
        (group, ranking) ->
            stale.put(
                group,
                new Ranking(ranking.entities().stream().map(Entity::withoutRates).toList())));
    Map<Direction, Entity> staleTotals = new EnumMap<>(Direction.class);
    totals.forEach((direction, total) -> staleTotals.put(direction, total.withoutRates()));
    return new RateView(sampledAt, interval, window, historyLength, dimensions, stale, staleTotals);
  }

  /** The ranking of a dimension in a direction; empty if nothing was counted (or sampled) yet. */
  public Ranking ranking(Dimension dimension, Direction direction) {
    return Optional.ofNullable(rankings.get(new RateSampler.Group(dimension, direction)))
        .orElse(new Ranking(List.of()));
  }
}
