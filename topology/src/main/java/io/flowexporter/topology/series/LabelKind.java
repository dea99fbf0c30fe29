package io.flowexporter.topology.series;

/**
 * How one label of a family is held in a {@link SeriesKey} and rendered on /metrics.
 *
 * <p>The byte forms are part of the series-key format (see {@link SeriesKey}).
 */
public enum LabelKind {
  /**
   * An AS number: 4 bytes, unsigned big-endian. Rendered as two labels, {@code <name>} (the number)
   * and {@code <name>_name} (the AS database's name, looked up at scrape time).
   */
  AS,
  /** A number: 4 bytes, unsigned big-endian, rendered in decimal. */
  NUMBER,
  /** Text: a 2-byte big-endian length, then that many bytes of UTF-8. */
  TEXT,
  /**
   * A country: its ISO 3166-1 alpha-2 code, 2 ASCII upper-case letters ({@code ZZ} for unknown).
   * Rendered as two labels, {@code <name>} (the code) and {@code <name>_name} (the country
   * database's English name, looked up at scrape time; {@code Unknown} for ZZ).
   */
  COUNTRY
}
