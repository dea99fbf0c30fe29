package io.flowexporter.topology.flow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Parses the value of a Kafka message written by pmacct's kafka plugin ({@code kafka_output:
 * json}): one JSON object, or several separated by newlines ({@code kafka_multi_values}).
 *
 * <p>Only the fields of {@link FlowRecord} and {@code event_type} are read ({@link LineField});
 * nothing is materialised for the others. A line of the flat shape pmacct writes is read from its
 * bytes ({@link FlatLineReader}); any other line with Jackson's streaming parser, which judges it.
 * Each line stands alone: a bad line is reported as invalid and the lines around it are still
 * parsed. Stateless and thread-safe.
 */
public final class FlowParser {

  /** Messages above this size are refused whole, unread. */
  public static final int MAX_MESSAGE_BYTES = 1 << 20;

  /** Above 2^50 bytes (1 PiB) in one record, the exporter is broken: such a count is refused. */
  static final long MAX_BYTES = 1L << 50;

  static final long MAX_PACKETS = 1L << 44;
  static final long MAX_SAMPLING_RATE = 1L << 24;
  static final long MAX_PORT = 65535;

  /**
   * Longest router name (label or peer address), in characters: a series' key travels in the
   * changelog with a few dozen others, and no router is named in kilobytes.
   */
  static final int MAX_HOSTNAME_CHARS = 255;

  private static final int SAMPLE_CHARS = 200;

  /** Keys of a label map that name the router, most preferred first. */
  private static final List<String> LABEL_KEYS = List.of("hostname", "label", "name");

  /** False in tests that compare the two readers: every line is then read with Jackson. */
  private final boolean flatLines;

  public FlowParser() {
    this(true);
  }

  FlowParser(boolean flatLines) {
    this.flatLines = flatLines;
  }

  /** Parses one Kafka message value and tells the listener what each line held. */
  public void parse(byte[] message, ParseListener listener) {
    if (message == null || message.length == 0) {
      listener.invalid(InvalidReason.MALFORMED_JSON, "");
      return;
    }
    if (message.length > MAX_MESSAGE_BYTES) {
      listener.invalid(InvalidReason.TOO_LARGE, sample(message, 0, message.length));
      return;
    }
    int start = 0;
    int line = 0;
    while (start < message.length) {
      LineFields f = new LineFields();
      int end = flatLines ? FlatLineReader.read(message, start, message.length, f) : -1;
      if (end >= 0) {
        deliver(f, message, start, end, line, listener);
      } else {
        end = indexOfNewline(message, start);
        if (!isBlank(message, start, end)) {
          parseLine(message, start, end, line, listener);
        }
      }
      start = end + 1;
      line++;
    }
  }

  /** Reads a line with Jackson, which judges every line {@link FlatLineReader} leaves. */
  private void parseLine(byte[] buf, int start, int end, int line, ParseListener listener) {
    LineFields f = new LineFields();
    InvalidReason reason = readLine(buf, start, end, f);
    if (reason != null) {
      listener.invalid(reason, sample(buf, start, end));
      return;
    }
    // Outside the parser's try: an exception from the listener is a fault of ours, not bad input,
    // and must not be counted away as an invalid record.
    deliver(f, buf, start, end, line, listener);
  }

  /** Reads one line into {@code f}; null when it is a complete object, else why not. */
  private InvalidReason readLine(byte[] buf, int start, int end, LineFields f) {
    // A factory per line: Jackson's table of field names lives in its factory and would carry from
    // line to line, and a name made of invalid UTF-8 can match one stored earlier (Jackson pads
    // names with 0xFF bytes), so a line's outcome would depend on the lines read before it. The
    // lines read here are the few the flat reader leaves; a factory costs about a microsecond.
    try (JsonParser p = new JsonFactory().createParser(buf, start, end - start)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return InvalidReason.NOT_AN_OBJECT;
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        if (!read(name, value, p, f)) {
          return f.reason;
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return InvalidReason.MALFORMED_JSON;
      }
      return null;
    } catch (InputCoercionException e) {
      return InvalidReason.OUT_OF_RANGE;
    } catch (IOException | RuntimeException e) {
      // RuntimeException: Jackson's own limits (nesting depth, symbol-table flooding) throw
      // unchecked exceptions; bad input must never stop the stream.
      return InvalidReason.MALFORMED_JSON;
    }
  }

  private static void deliver(
      LineFields f, byte[] buf, int start, int end, int line, ParseListener listener) {
    if ("purge_init".equals(f.eventType) || "purge_close".equals(f.eventType)) {
      listener.marker();
      return;
    }
    if (f.bytes < 0) {
      if (f.eventType != null && (f.seen & LineField.PACKETS.bit) == 0) {
        // pmacct writes NetFlow/IPFIX event records (NAT events, options) with no counters at all:
        // not traffic, as its markers are not.
        listener.marker();
        return;
      }
      listener.invalid(InvalidReason.MISSING_BYTES, sample(buf, start, end));
      return;
    }
    String hostname = f.label != null && !f.label.isEmpty() ? f.label : f.peerIpSrc;
    if (hostname != null && hostname.length() > MAX_HOSTNAME_CHARS) {
      listener.invalid(InvalidReason.OUT_OF_RANGE, sample(buf, start, end));
      return;
    }
    if (hostname != null && hasUnpairedSurrogate(hostname)) {
      // JSON's \ud800 escapes can spell text that UTF-8 cannot hold: the series key would be
      // written with '?' in its place and merge with another router's series.
      listener.invalid(InvalidReason.MALFORMED_JSON, sample(buf, start, end));
      return;
    }
    listener.record(
        new FlowRecord(
            f.asSrc,
            f.asDst,
            f.bytes,
            f.packets,
            hostname == null ? "" : hostname,
            f.samplingRate,
            f.ipSrc,
            f.ipDst,
            f.countryIpSrc,
            f.countryIpDst,
            f.portSrc,
            f.portDst,
            f.protocol,
            f.flows),
        start,
        end,
        line);
  }

  /** Reads one field into {@code f}; false (with {@code f.reason} set) when it is unusable. */
  private static boolean read(String name, JsonToken value, JsonParser p, LineFields f)
      throws IOException {
    LineField field = LineField.named(name);
    if (field == null) {
      p.skipChildren();
      return true;
    }
    if (!f.meet(field)) {
      f.reason = InvalidReason.DUPLICATE_FIELD;
      return false;
    }
    if (value == JsonToken.VALUE_NULL) {
      return true;
    }
    if (field.kind == LineField.Kind.COUNT) {
      long n = number(value, p, field.max, f);
      if (n >= 0) {
        f.count(field, n);
      }
      return n >= 0;
    }
    String text =
        switch (field.kind) {
          case LABEL -> label(value, p, f);
          case COUNTRY -> country(value, p);
          case PROTOCOL -> protocol(value, p, f);
          default -> text(value, p, f);
        };
    f.text(field, text);
    return text != null || field.kind == LineField.Kind.COUNTRY;
  }

  /** A non-negative integer up to {@code max}, or -1 with the reason set. */
  private static long number(JsonToken value, JsonParser p, long max, LineFields f)
      throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      f.reason = InvalidReason.WRONG_TYPE;
      return -1;
    }
    long n = p.getLongValue();
    if (n < 0 || n > max) {
      f.reason = InvalidReason.OUT_OF_RANGE;
      return -1;
    }
    return n;
  }

  /**
   * A country code, or {@link CountryCodes#NOT_GIVEN} when the field does not give one: any value
   * that is not a string of two letters (pmacct writes "" or its unknown marker where its database
   * has no answer) leaves the country to the country database, and never makes the record invalid.
   */
  private static String country(JsonToken value, JsonParser p) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      p.skipChildren();
      return CountryCodes.NOT_GIVEN;
    }
    return CountryCodes.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  /**
   * {@code ip_proto}: pmacct writes the name ({@code "tcp"}) or, with {@code proto_num}-like
   * settings, the number; both become the same label ({@link Protocols#name}).
   */
  private static String protocol(JsonToken value, JsonParser p, LineFields f) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      long n = p.getLongValue();
      if (n < 0 || n > 255) {
        f.reason = InvalidReason.OUT_OF_RANGE;
        return null;
      }
      return Protocols.name((int) n);
    }
    if (value != JsonToken.VALUE_STRING) {
      f.reason = InvalidReason.WRONG_TYPE;
      return null;
    }
    String name = Protocols.name(p.getText());
    if (name == null || hasUnpairedSurrogate(name)) {
      name = null;
      f.reason = InvalidReason.OUT_OF_RANGE;
    }
    return name;
  }

  private static String text(JsonToken value, JsonParser p, LineFields f) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      f.reason = InvalidReason.WRONG_TYPE;
      return null;
    }
    return p.getText();
  }

  /**
   * The router name from {@code label}: a string as it is; from the map that {@code
   * pre_tag_label_encode_as_map} makes, the value of its {@code hostname}, {@code label} or {@code
   * name} key, else its only value, else all entries as {@code k=v} joined by commas.
   */
  private static String label(JsonToken value, JsonParser p, LineFields f) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (value != JsonToken.START_OBJECT) {
      f.reason = InvalidReason.WRONG_TYPE;
      return null;
    }
    String preferred = null;
    int preferredRank = Integer.MAX_VALUE;
    StringBuilder all = new StringBuilder();
    int entries = 0;
    String key;
    while ((key = p.nextFieldName()) != null) {
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        f.reason = InvalidReason.WRONG_TYPE;
        return null;
      }
      String v = p.getText();
      int rank = LABEL_KEYS.indexOf(key);
      if (rank >= 0 && rank < preferredRank) {
        preferred = v;
        preferredRank = rank;
      }
      if (entries++ > 0) {
        all.append(',');
      }
      all.append(key).append('=').append(v);
    }
    if (preferred != null) {
      return preferred;
    }
    if (entries == 1) {
      return all.substring(all.indexOf("=") + 1);
    }
    return all.toString();
  }

  /**
   * The index of the first {@code '\n'} at or after {@code from}, else {@code buf.length}. Only
   * lines the flat reader leaves are scanned so: a flat line finds its own end.
   */
  static int indexOfNewline(byte[] buf, int from) {
    for (int i = from; i < buf.length; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return buf.length;
  }

  private static boolean isBlank(byte[] buf, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = buf[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static String sample(byte[] buf, int start, int end) {
    int len = Math.min(end - start, SAMPLE_CHARS);
    String s = new String(buf, start, len, StandardCharsets.UTF_8);
    return end - start > SAMPLE_CHARS ? s + "..." : s;
  }

  /** True when {@code s} holds a UTF-16 surrogate that is not half of a pair. */
  static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
