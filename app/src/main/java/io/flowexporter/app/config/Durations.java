package io.flowexporter.app.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations as operators write them: {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, {@code
 * 500ms}, or ISO-8601 ({@code PT1H}).
 */
public final class Durations {

  private Durations() {}

  /**
   * Parses a positive duration.
   *
   * @throws IllegalArgumentException naming what was expected
   */
  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } else if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else {
        long n = Long.parseLong(t.substring(0, Math.max(0, t.length() - 1)));
        d =
            switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
              case 'd' -> Duration.ofDays(n);
              case 'h' -> Duration.ofHours(n);
              case 'm' -> Duration.ofMinutes(n);
              case 's' -> Duration.ofSeconds(n);
              default -> throw new NumberFormatException();
            };
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration such as 30d, 12h, 90m, 45s or 500ms");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("'" + text + "' must be longer than zero");
    }
    return d;
  }

  /** The shortest of the forms {@link #parse} reads that says exactly {@code d}. */
  public static String format(Duration d) {
    // Whole seconds are counted in seconds: in milliseconds, a span between far instants overflows.
    if (d.getNano() == 0) {
      long s = d.getSeconds();
      for (long[] unit : new long[][] {{86_400, 'd'}, {3_600, 'h'}, {60, 'm'}, {1, 's'}}) {
        if (s % unit[0] == 0) {
          return s / unit[0] + String.valueOf((char) unit[1]);
        }
      }
    }
    return d.toMillis() + "ms";
  }
}
