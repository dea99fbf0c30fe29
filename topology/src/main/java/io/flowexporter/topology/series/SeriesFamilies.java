package io.flowexporter.topology.series;

import java.util.List;

/**
 * The families this instance counts, by id. Immutable.
 *
 * @param all the families, ids distinct
 */
public record SeriesFamilies(List<SeriesFamily> all) {

  public SeriesFamilies {
    all = List.copyOf(all);
    if (all.stream().map(SeriesFamily::id).distinct().count() != all.size()) {
      throw new IllegalArgumentException("two families with one id");
    }
  }

  /** The family of an id, or null when this instance does not count it. */
  public SeriesFamily byId(int id) {
    for (SeriesFamily f : all) {
      if (f.id() == id) {
        return f;
      }
    }
    return null;
  }

  /** Just the AS family: what every instance counts. */
  public static SeriesFamilies asOnly() {
    return new SeriesFamilies(List.of(AsFamily.FAMILY));
  }

  /** The AS family, and the country family when {@code countries} is true. */
  public static SeriesFamilies of(boolean countries) {
    return countries
        ? new SeriesFamilies(List.of(AsFamily.FAMILY, CountryFamily.FAMILY))
        : asOnly();
  }
}
