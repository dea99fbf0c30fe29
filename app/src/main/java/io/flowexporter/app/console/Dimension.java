package io.flowexporter.app.console;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.CountryFamily;
import io.flowexporter.topology.series.PortFamily;
import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the console ranks: one entity per series, read from a family's labels and summed over the
 * others (hostname, your own AS). The peer AS is the remote side of the AS family's series (the
 * source for receive traffic, the destination for transmit traffic); a router is the hostname of
 * the AS family's series, which count every counted flow once.
 */
public enum Dimension {
  /** The peer AS, from the AS family. */
  AS("as", AsFamily.FAMILY.id()),
  /** The remote side's country, from the country family. */
  COUNTRY("country", CountryFamily.FAMILY.id()),
  /** A chosen port and its protocol, from the port family ({@code 443/tcp}). */
  PORT("port", PortFamily.ID),
  /** The router ({@code hostname}), from the AS family. */
  ROUTER("router", AsFamily.FAMILY.id());

  private final String parameter;
  private final int familyId;

  Dimension(String parameter, int familyId) {
    this.parameter = parameter;
    this.familyId = familyId;
  }

  /** The value of the {@code family} query parameter. */
  public String parameter() {
    return parameter;
  }

  /** The id of the family whose series feed it. */
  public int familyId() {
    return familyId;
  }

  /** The dimension named by a query parameter value. */
  public static Optional<Dimension> of(String parameter) {
    for (Dimension d : values()) {
      if (d.parameter.equals(parameter)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** The values the {@code family} parameter takes, for error messages. */
  public static String choices() {
    return String.join(", ", List.of(values()).stream().map(Dimension::parameter).toList());
  }

  /**
   * The id of the family's overflow series among entities: no AS number, country, port or router
   * name (pmacct's label is free text: a router may well be called "other").
   */
  static final String OVERFLOW = "\0other";

  /**
   * The entity a series counts toward, as text ({@code 15169}, {@code US}, {@code 443/tcp}, {@code
   * edge1}); {@link #OVERFLOW} for the family's overflow series.
   */
  String entityOf(SeriesKey key, SeriesFamily family) {
    if (key.isOverflow()) {
      return OVERFLOW;
    }
    List<Object> v = key.values(family);
    return switch (this) {
      case AS -> Long.toString((Long) (key.direction() == Direction.RECEIVE ? v.get(0) : v.get(1)));
      case COUNTRY -> (String) v.get(0);
      case PORT -> v.get(0) + "/" + ((String) v.get(1)).toLowerCase(Locale.ROOT);
      case ROUTER -> (String) v.get(2);
    };
  }
}
