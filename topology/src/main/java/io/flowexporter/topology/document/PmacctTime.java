package io.flowexporter.topology.document;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * pmacct's time stamps ({@code timestamp_start}, {@code timestamp_end}, {@code stamp_updated}) in
 * the forms its settings produce: {@code 2026-11-21 06:01:01} with optional fraction (read as UTC:
 * set {@code timestamps_utc: true} in pmacct, whose default is local time), RFC 3339 ({@code
 * timestamps_rfc3339}), and seconds since the epoch ({@code timestamps_since_epoch}), as a string
 * or a number.
 */
final class PmacctTime {

  /** pmacct's text form, with a fraction of any length (pmacct prints six digits). */
  private static final DateTimeFormatter SPACED =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  /**
   * 9999-12-31T23:59:59.999Z: later times (RFC 3339 allows {@code +999999999-12-31T...}) overflow a
   * long of milliseconds or are refused by Elasticsearch's date type, so they are not a flow's.
   */
  private static final long LAST_MILLIS = 253_402_300_799_999L;

  private PmacctTime() {}

  /**
   * Milliseconds since the epoch, or -1 when the text is none of pmacct's forms or lies outside
   * 1970-01-01 to 9999-12-31 (the caller then takes the next time field, or Kafka's time).
   */
  static long parse(String text) {
    long millis = parseAny(text);
    return millis < 0 || millis > LAST_MILLIS ? -1 : millis;
  }

  private static long parseAny(String text) {
    if (text == null || text.isEmpty() || text.length() > 40) {
      return -1;
    }
    try {
      char first = text.charAt(0);
      if (text.indexOf('-') < 0 && first >= '0' && first <= '9') {
        double seconds = Double.parseDouble(text);
        // 0: pmacct's "not set" in epoch form (its text forms print 0000-00-00, refused below), so
        // the next time field is tried. Rounded: 1763704858.12 is not 1763704858.119999.
        return seconds <= 0 || seconds > 1e11 ? -1 : Math.round(seconds * 1000);
      }
      if (text.indexOf('T') > 0) {
        return OffsetDateTime.parse(text).toInstant().toEpochMilli();
      }
      return LocalDateTime.parse(text, SPACED).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (NumberFormatException | DateTimeException | ArithmeticException e) {
      // ArithmeticException: a year such as +999999999 parses but overflows toEpochMilli
      return -1;
    }
  }

  /** {@code 2026-11-21T06:01:01.250Z}: ISO 8601 in UTC, to the millisecond. */
  static String format(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
