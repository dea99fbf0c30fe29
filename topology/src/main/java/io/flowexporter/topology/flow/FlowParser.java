package io.flowexporter.topology.flow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.io.SerializedString;
import io.flowexporter.asndb.AsnLookup;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Parses the value of a Kafka message written by pmacct's kafka plugin ({@code kafka_output:
 * json}): one JSON object, or several separated by newlines ({@code kafka_multi_values}).
 *
 * <p>Only the fields of {@link FlowRecord} and {@code event_type} are read, with Jackson's
 * streaming parser; nothing is materialised for the others. Each line stands alone: a bad line is
 * reported as invalid and the lines around it are still parsed. Instances are thread-safe; the only
 * state they keep is the field order of the lines they have read, a guess that makes reading faster
 * when it is right and changes nothing when it is wrong.
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

  private final JsonFactory json = new JsonFactory();

  /**
   * The field names of the last lines, by position: pmacct writes the same fields in the same order
   * on every line, so the name at position i is tried first by comparing its bytes, which spares
   * hashing it into Jackson's symbol table (field names were 14% of the stream thread). Shared by
   * the threads that use this parser; a stale or mixed-up entry is only a miss.
   */
  private static final int ORDER_SLOTS = 64;

  private final AtomicReferenceArray<SerializedString> order =
      new AtomicReferenceArray<>(ORDER_SLOTS);

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
      int end = indexOfNewline(message, start);
      if (!isBlank(message, start, end)) {
        parseLine(message, start, end, line, listener);
      }
      start = end + 1;
      line++;
    }
  }

  private void parseLine(byte[] buf, int start, int end, int line, ParseListener listener) {
    Fields f = new Fields();
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
  private InvalidReason readLine(byte[] buf, int start, int end, Fields f) {
    try (JsonParser p = json.createParser(buf, start, end - start)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return InvalidReason.NOT_AN_OBJECT;
      }
      for (int position = 0; ; position++) {
        String field = nextFieldName(p, position);
        if (field == null) {
          break;
        }
        JsonToken value = p.nextToken();
        if (!read(field, value, p, f)) {
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

  /** The next field name, trying the one last seen at this position first; null after the last. */
  private String nextFieldName(JsonParser p, int position) throws IOException {
    if (position >= ORDER_SLOTS) {
      return p.nextFieldName();
    }
    SerializedString expected = order.getAcquire(position);
    if (expected != null) {
      if (p.nextFieldName(expected)) {
        return expected.getValue();
      }
      if (p.currentToken() != JsonToken.FIELD_NAME) {
        return null;
      }
    } else if (p.nextFieldName() == null) {
      return null;
    }
    String name = p.currentName();
    SerializedString seen = new SerializedString(name);
    // Encoded before it is published (release; the reader acquires): another thread must never
    // compare against bytes it sees only in part.
    seen.asQuotedUTF8();
    order.setRelease(position, seen);
    return name;
  }

  private static void deliver(
      Fields f, byte[] buf, int start, int end, int line, ParseListener listener) {
    if ("purge_init".equals(f.eventType) || "purge_close".equals(f.eventType)) {
      listener.marker();
      return;
    }
    if (f.bytes < 0) {
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

  // The fields read, one bit each: a record that names one twice is refused (DUPLICATE_FIELD).
  private static final int BYTES = 1;
  private static final int PACKETS = 1 << 1;
  private static final int AS_SRC = 1 << 2;
  private static final int AS_DST = 1 << 3;
  private static final int SAMPLING_RATE = 1 << 4;
  private static final int LABEL = 1 << 5;
  private static final int EVENT_TYPE = 1 << 6;
  private static final int PEER_IP_SRC = 1 << 7;
  private static final int IP_SRC = 1 << 8;
  private static final int IP_DST = 1 << 9;
  private static final int COUNTRY_IP_SRC = 1 << 10;
  private static final int COUNTRY_IP_DST = 1 << 11;
  private static final int PORT_SRC = 1 << 12;
  private static final int PORT_DST = 1 << 13;
  private static final int IP_PROTO = 1 << 14;
  private static final int FLOWS = 1 << 15;

  /** Reads one field into {@code f}; false (with {@code f.reason} set) when it is unusable. */
  private static boolean read(String field, JsonToken value, JsonParser p, Fields f)
      throws IOException {
    int bit =
        switch (field) {
          case "bytes" -> BYTES;
          case "packets" -> PACKETS;
          case "as_src" -> AS_SRC;
          case "as_dst" -> AS_DST;
          case "sampling_rate" -> SAMPLING_RATE;
          case "label" -> LABEL;
          case "event_type" -> EVENT_TYPE;
          case "peer_ip_src" -> PEER_IP_SRC;
          case "ip_src" -> IP_SRC;
          case "ip_dst" -> IP_DST;
          case "country_ip_src" -> COUNTRY_IP_SRC;
          case "country_ip_dst" -> COUNTRY_IP_DST;
          case "port_src" -> PORT_SRC;
          case "port_dst" -> PORT_DST;
          case "ip_proto" -> IP_PROTO;
          case "flows" -> FLOWS;
          default -> 0;
        };
    if (bit == 0) {
      p.skipChildren();
      return true;
    }
    if ((f.seen & bit) != 0) {
      // JSON leaves duplicate names to the reader; which of two byte counts pmacct meant cannot
      // be known, and taking either would count traffic that may not exist.
      f.reason = InvalidReason.DUPLICATE_FIELD;
      return false;
    }
    f.seen |= bit;
    if (value == JsonToken.VALUE_NULL) {
      return true;
    }
    switch (bit) {
      case BYTES:
        f.bytes = number(value, p, MAX_BYTES, f);
        return f.bytes >= 0;
      case PACKETS:
        f.packets = number(value, p, MAX_PACKETS, f);
        return f.packets >= 0;
      case AS_SRC:
        f.asSrc = number(value, p, AsnLookup.MAX_ASN, f);
        return f.asSrc >= 0;
      case AS_DST:
        f.asDst = number(value, p, AsnLookup.MAX_ASN, f);
        return f.asDst >= 0;
      case SAMPLING_RATE:
        f.samplingRate = number(value, p, MAX_SAMPLING_RATE, f);
        return f.samplingRate >= 0;
      case LABEL:
        f.label = label(value, p, f);
        return f.label != null;
      case EVENT_TYPE:
        f.eventType = text(value, p, f);
        return f.eventType != null;
      case PEER_IP_SRC:
        f.peerIpSrc = text(value, p, f);
        return f.peerIpSrc != null;
      case IP_SRC:
        f.ipSrc = text(value, p, f);
        return f.ipSrc != null;
      case IP_DST:
        f.ipDst = text(value, p, f);
        return f.ipDst != null;
      case COUNTRY_IP_SRC:
        f.countryIpSrc = country(value, p);
        return true;
      case COUNTRY_IP_DST:
        f.countryIpDst = country(value, p);
        return true;
      case PORT_SRC:
        f.portSrc = (int) number(value, p, MAX_PORT, f);
        return f.portSrc >= 0;
      case PORT_DST:
        f.portDst = (int) number(value, p, MAX_PORT, f);
        return f.portDst >= 0;
      case IP_PROTO:
        f.protocol = protocol(value, p, f);
        return f.protocol != null;
      default: // FLOWS
        f.flows = number(value, p, MAX_PACKETS, f);
        return f.flows >= 0;
    }
  }

  /** A non-negative integer up to {@code max}, or -1 with the reason set. */
  private static long number(JsonToken value, JsonParser p, long max, Fields f) throws IOException {
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
   * A country code, or null when the field does not give one: any value that is not a string of two
   * letters (pmacct writes "" or its unknown marker where its database has no answer) leaves the
   * country to the country database, and never makes the record invalid.
   */
  private static String country(JsonToken value, JsonParser p) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      p.skipChildren();
      return null;
    }
    return CountryCodes.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  /**
   * {@code ip_proto}: pmacct writes the name ({@code "tcp"}) or, with {@code proto_num}-like
   * settings, the number; both become the same label ({@link Protocols#name}).
   */
  private static String protocol(JsonToken value, JsonParser p, Fields f) throws IOException {
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
    // tcp and udp are nearly every record: recognised in the parser's buffer, no string made.
    if (p.getTextLength() == 3) {
      char[] c = p.getTextCharacters();
      int o = p.getTextOffset();
      if (c[o] == 't' && c[o + 1] == 'c' && c[o + 2] == 'p') {
        return "tcp";
      }
      if (c[o] == 'u' && c[o + 1] == 'd' && c[o + 2] == 'p') {
        return "udp";
      }
    }
    String name = Protocols.name(p.getText());
    if (name == null || hasUnpairedSurrogate(name)) {
      name = null;
      f.reason = InvalidReason.OUT_OF_RANGE;
    }
    return name;
  }

  private static String text(JsonToken value, JsonParser p, Fields f) throws IOException {
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
  private static String label(JsonToken value, JsonParser p, Fields f) throws IOException {
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
   * The index of the first {@code '\n'} at or after {@code from}, else {@code buf.length}. Eight
   * bytes at a time (a zero-byte test on the word XOR-ed with newlines): every message is scanned
   * once for line ends before it is parsed, and a byte loop showed up in profiles.
   */
  static int indexOfNewline(byte[] buf, int from) {
    int i = from;
    for (; i + 8 <= buf.length; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ NEWLINES;
      long found = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      if (found != 0) {
        // The lowest flagged byte is always a true match; higher ones may be false positives.
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < buf.length; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return buf.length;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

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

  /** The fields of one line while it is being read. */
  private static final class Fields {
    long asSrc;
    long asDst;
    long bytes = -1;
    long packets;
    long samplingRate;
    String label;
    String peerIpSrc;
    String ipSrc;
    String ipDst;
    String countryIpSrc;
    String countryIpDst;
    int portSrc;
    int portDst;
    String protocol = "";
    long flows = 1;
    String eventType;
    int seen; // bits of the fields met, null or not
    InvalidReason reason;
  }
}
