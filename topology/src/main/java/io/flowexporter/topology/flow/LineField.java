package io.flowexporter.topology.flow;

import io.flowexporter.asndb.AsnLookup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a pmacct record that flow-exporter reads, with the kind of value each takes; every
 * other field is skipped. Both line readers ({@link FlatLineReader} and the Jackson one in {@link
 * FlowParser}) look names up here, so a new field is one constant and one line in {@link
 * LineFields}.
 */
enum LineField {
  BYTES("bytes", Kind.COUNT, FlowParser.MAX_BYTES),
  PACKETS("packets", Kind.COUNT, FlowParser.MAX_PACKETS),
  AS_SRC("as_src", Kind.COUNT, AsnLookup.MAX_ASN),
  AS_DST("as_dst", Kind.COUNT, AsnLookup.MAX_ASN),
  SAMPLING_RATE("sampling_rate", Kind.COUNT, FlowParser.MAX_SAMPLING_RATE),
  PORT_SRC("port_src", Kind.COUNT, FlowParser.MAX_PORT),
  PORT_DST("port_dst", Kind.COUNT, FlowParser.MAX_PORT),
  FLOWS("flows", Kind.COUNT, FlowParser.MAX_PACKETS),
  LABEL("label", Kind.LABEL, 0),
  EVENT_TYPE("event_type", Kind.TEXT, 0),
  PEER_IP_SRC("peer_ip_src", Kind.TEXT, 0),
  IP_SRC("ip_src", Kind.TEXT, 0),
  IP_DST("ip_dst", Kind.TEXT, 0),
  COUNTRY_IP_SRC("country_ip_src", Kind.COUNTRY, 0),
  COUNTRY_IP_DST("country_ip_dst", Kind.COUNTRY, 0),
  IP_PROTO("ip_proto", Kind.PROTOCOL, 0);

  /** What a field's value must be. */
  enum Kind {
    /** A non-negative integer up to the field's maximum. */
    COUNT,
    /** A string. */
    TEXT,
    /** A string, or the map of {@code pre_tag_label_encode_as_map}. */
    LABEL,
    /** A country code; any other value leaves the country to the database. */
    COUNTRY,
    /** A protocol's name or number. */
    PROTOCOL
  }

  final String jsonName;
  final Kind kind;

  /** The largest value a {@link Kind#COUNT} takes. */
  final long max;

  /** This field's bit in {@link LineFields#seen}. */
  final int bit;

  private final int length;

  /** The name's bytes as two words ({@link #head}, {@link #tail}): compared without a loop. */
  private final long head;

  private final long tail;

  LineField(String jsonName, Kind kind, long max) {
    this.jsonName = jsonName;
    this.kind = kind;
    this.max = max;
    this.bit = 1 << ordinal();
    byte[] name = jsonName.getBytes(StandardCharsets.US_ASCII);
    this.length = name.length;
    this.head = Words.head(name, 0, length);
    this.tail = Words.tail(name, 0, length);
  }

  private static final Map<String, LineField> BY_NAME = new HashMap<>();

  /** Fields by the length of their name: a name of another length is no field. */
  private static final LineField[][] BY_LENGTH;

  static {
    List<List<LineField>> byLength = new ArrayList<>();
    for (LineField f : values()) {
      BY_NAME.put(f.jsonName, f);
      while (byLength.size() <= f.length) {
        byLength.add(new ArrayList<>());
      }
      byLength.get(f.length).add(f);
    }
    BY_LENGTH = byLength.stream().map(l -> l.toArray(LineField[]::new)).toArray(LineField[][]::new);
  }

  /** The field of this name, or null when it is not read. */
  static LineField named(String name) {
    return BY_NAME.get(name);
  }

  /**
   * The field whose name is the bytes {@code buf[from..from+length)}, or null. Every name of every
   * line is looked up here: two words compared, where {@code Arrays.equals} on each candidate was
   * 6% of the stream thread in a profile.
   */
  static LineField named(byte[] buf, int from, int length) {
    if (length >= BY_LENGTH.length) {
      return null;
    }
    long head = Words.head(buf, from, length);
    long tail = Words.tail(buf, from, length);
    for (LineField f : BY_LENGTH[length]) {
      if (f.head == head && f.tail == tail) {
        return f;
      }
    }
    return null;
  }
}
