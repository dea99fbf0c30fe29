package io.flowexporter.topology.flow;

import com.fasterxml.jackson.core.StreamReadConstraints;
import java.nio.charset.StandardCharsets;

/**
 * Reads a line of the shape pmacct writes straight from its bytes: one flat JSON object whose names
 * and strings are printable ASCII without escapes, whose numbers are plain JSON numbers, and whose
 * other values are {@code null}, {@code true} or {@code false}. Anything else (an escape, a byte
 * above 127, a nested object or array, a value of the wrong type or out of range, a name met twice,
 * broken JSON) it does not judge: it answers -1 and {@link FlowParser} reads the line again with
 * Jackson, which decides how it counts. So a line this reader accepts reads exactly as Jackson
 * reads it, and every refusal keeps Jackson's reason.
 *
 * <p>Why by hand: Jackson's per-line set-up (a parser, its symbol table, its buffers) and its
 * decoding of every string took most of the parse; with this reader the CPU per record of parsing,
 * classifying and counting fell from 2,232 ns to 961 at the median (docs/performance.md, "Why the
 * code is as it is"). Stateless.
 */
final class FlatLineReader {

  private FlatLineReader() {}

  /**
   * Jackson refuses a name longer than this (50,000 characters by default) as malformed; so does
   * this reader, by leaving such a line to Jackson.
   */
  private static final int MAX_NAME_LENGTH = StreamReadConstraints.defaults().getMaxNameLength();

  /**
   * A line of more names than this is left to Jackson. Its table of names refuses a line once the
   * names that share a hash overflow it (a defence against hash flooding), which takes more than
   * 512 names in a line; this reader keeps no table, and would take the line. pmacct writes a few
   * dozen.
   */
  private static final int MAX_NAMES = 256;

  /**
   * Reads the line that starts at {@code start} and ends at the next newline or at {@code limit},
   * into {@code f}. Returns where the line ends (the newline's index, or {@code limit}) when it was
   * of the flat shape and every field read is usable; -1 when Jackson must read it (into fresh
   * fields: {@code f} then holds part of the line). The line's end is found while reading: a flat
   * line holds no newline but the one that ends it, so the message is not scanned for newlines
   * first (that scan was 7% of the stream thread).
   */
  static int read(byte[] buf, int start, int limit, LineFields f) {
    int i = skipSpace(buf, start, limit);
    if (i >= limit || buf[i] != '{') {
      return -1;
    }
    i = skipSpace(buf, i + 1, limit);
    if (i < limit && buf[i] == '}') {
      return lineEnd(buf, i + 1, limit);
    }
    for (int names = 1; ; names++) {
      if (i >= limit || buf[i] != '"' || names > MAX_NAMES) {
        return -1;
      }
      int nameEnd = closingQuote(buf, i + 1, limit);
      if (nameEnd < 0 || nameEnd - i - 1 > MAX_NAME_LENGTH) {
        return -1;
      }
      LineField field = LineField.named(buf, i + 1, nameEnd - i - 1);
      i = skipSpace(buf, nameEnd + 1, limit);
      if (i >= limit || buf[i] != ':') {
        return -1;
      }
      i = skipSpace(buf, i + 1, limit);
      if (i >= limit) {
        return -1;
      }
      i = field == null ? skipValue(buf, i, limit) : readValue(buf, i, limit, field, f);
      if (i < 0) {
        return -1;
      }
      i = skipSpace(buf, i, limit);
      if (i >= limit) {
        return -1;
      }
      if (buf[i] == '}') {
        return lineEnd(buf, i + 1, limit);
      }
      if (buf[i] != ',') {
        return -1;
      }
      i = skipSpace(buf, i + 1, limit);
    }
  }

  /**
   * After the closing brace: the index of the newline or the limit, when only space comes first.
   */
  private static int lineEnd(byte[] buf, int i, int limit) {
    i = skipSpace(buf, i, limit);
    return i == limit || buf[i] == '\n' ? i : -1;
  }

  /** Reads a field's value at {@code i}; the index after it, or -1 when Jackson must judge it. */
  private static int readValue(byte[] buf, int i, int end, LineField field, LineFields f) {
    if (!f.meet(field)) {
      return -1;
    }
    byte c = buf[i];
    if (c == '"') {
      int close = closingQuote(buf, i + 1, end);
      return close >= 0 && readText(buf, i + 1, close, field, f) ? close + 1 : -1;
    }
    if (c >= '0' && c <= '9') {
      return readCount(buf, i, end, field, f);
    }
    // null counts as absent, as in Jackson's reading; true, false and the rest are its to refuse.
    return literal(buf, i, end, NULL);
  }

  private static boolean readText(byte[] buf, int from, int to, LineField field, LineFields f) {
    int length = to - from;
    switch (field.kind) {
      case TEXT, LABEL -> f.text(field, new String(buf, from, length, StandardCharsets.ISO_8859_1));
      case COUNTRY -> f.text(field, CountryCodes.of(buf, from, length));
      case PROTOCOL -> {
        String name = protocol(buf, from, length);
        if (name == null) {
          return false;
        }
        f.text(field, name);
      }
      default -> {
        return false; // a count written as a string
      }
    }
    return true;
  }

  /** tcp and udp are nearly every record: recognised in place, no string made. */
  private static String protocol(byte[] buf, int from, int length) {
    if (length == 3 && buf[from] == 't' && buf[from + 1] == 'c' && buf[from + 2] == 'p') {
      return "tcp";
    }
    if (length == 3 && buf[from] == 'u' && buf[from + 1] == 'd' && buf[from + 2] == 'p') {
      return "udp";
    }
    return Protocols.name(new String(buf, from, length, StandardCharsets.ISO_8859_1));
  }

  /** A non-negative integer of at most 18 digits: the index after it, else -1. */
  private static int readCount(byte[] buf, int i, int end, LineField field, LineFields f) {
    long n = 0;
    int j = i;
    while (j < end && buf[j] >= '0' && buf[j] <= '9' && j - i < 18) {
      n = n * 10 + (buf[j] - '0');
      j++;
    }
    if ((buf[i] == '0' && j - i > 1) || (j < end && !endsValue(buf[j]))) {
      return -1; // a leading zero, a fraction, an exponent, a 19th digit: Jackson's
    }
    if (field.kind == LineField.Kind.COUNT && n <= field.max) {
      f.count(field, n);
      return j;
    }
    if (field.kind == LineField.Kind.PROTOCOL && n <= 255) {
      f.text(field, Protocols.name((int) n));
      return j;
    }
    return -1;
  }

  /** Skips the value of a field that is not read: the index after it, or -1. */
  private static int skipValue(byte[] buf, int i, int end) {
    byte c = buf[i];
    if (c == '"') {
      int close = closingQuote(buf, i + 1, end);
      return close < 0 ? -1 : close + 1;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return skipNumber(buf, i, end);
    }
    return switch (c) {
      case 'n' -> literal(buf, i, end, NULL);
      case 't' -> literal(buf, i, end, TRUE);
      case 'f' -> literal(buf, i, end, FALSE);
      default -> -1;
    };
  }

  /** A JSON number, {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}: the index after it. */
  private static int skipNumber(byte[] buf, int i, int end) {
    int start = i;
    if (buf[i] == '-') {
      i++;
    }
    int digits = digits(buf, i, end);
    if (digits == 0 || (digits > 1 && buf[i] == '0')) {
      return -1;
    }
    i += digits;
    if (i < end && buf[i] == '.') {
      int fraction = digits(buf, i + 1, end);
      if (fraction == 0) {
        return -1;
      }
      i += 1 + fraction;
    }
    if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
      i++;
      if (i < end && (buf[i] == '+' || buf[i] == '-')) {
        i++;
      }
      int exponent = digits(buf, i, end);
      if (exponent == 0) {
        return -1;
      }
      i += exponent;
    }
    // Jackson refuses numbers of more than 1,000 characters; so does this reader, by leaving them.
    return (i < end && !endsValue(buf[i])) || i - start > 1000 ? -1 : i;
  }

  private static int digits(byte[] buf, int i, int end) {
    int j = i;
    while (j < end && buf[j] >= '0' && buf[j] <= '9') {
      j++;
    }
    return j - i;
  }

  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

  /** The literal {@code word} at {@code i}, ending there: the index after it, else -1. */
  private static int literal(byte[] buf, int i, int end, byte[] word) {
    int after = i + word.length;
    if (after > end || (after < end && !endsValue(buf[after]))) {
      return -1;
    }
    for (int k = 0; k < word.length; k++) {
      if (buf[i + k] != word[k]) {
        return -1;
      }
    }
    return after;
  }

  /**
   * What may follow a value on a line: white space, a comma, the closing brace. Not a newline: a
   * value is never the last thing on a flat line.
   */
  private static boolean endsValue(byte b) {
    return b == ',' || b == '}' || b == ' ' || b == '\t' || b == '\r';
  }

  /**
   * The index of the quote that closes a string starting at {@code i}; -1 at an escape, a control
   * character, a byte above 127 (UTF-8, which Jackson validates) or the line's end.
   *
   * <p>Eight bytes at a time while none of them can stop the scan (the loop over single bytes was a
   * tenth of the stream thread's time); the word that holds a stop is read byte by byte.
   */
  private static int closingQuote(byte[] buf, int i, int end) {
    while (i + 8 <= end && !mayStop(Words.at(buf, i))) {
      i += 8;
    }
    for (; i < end; i++) {
      byte b = buf[i];
      if (b == '"') {
        return i;
      }
      if (b < 0x20 || b == '\\') { // bytes above 127 are negative
        return -1;
      }
    }
    return -1;
  }

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * Whether any of the eight bytes in {@code w} is a quote, a backslash, below 0x20 or above 127.
   * Each test is the classic "has a byte below n" of bit hacks, {@code (w - n * ONES) & ~w &
   * HIGHS}, exact for whether any byte matches; a byte above 127 sets its high bit on its own.
   */
  static boolean mayStop(long w) {
    long quote = w ^ ('"' * ONES);
    long backslash = w ^ ('\\' * ONES);
    long stops =
        ((quote - ONES) & ~quote)
            | ((backslash - ONES) & ~backslash)
            | ((w - 0x20 * ONES) & ~w)
            | w;
    return (stops & HIGHS) != 0;
  }

  /** Skips blanks (space, tab, carriage return); most calls find none or one. */
  private static int skipSpace(byte[] buf, int i, int end) {
    while (i < end) {
      byte b = buf[i];
      // Every blank is at most a space; bytes above 127 are negative, and not blank.
      if (b > ' ' || (b != ' ' && b != '\t' && b != '\r')) {
        return i;
      }
      i++;
    }
    return i;
  }
}
