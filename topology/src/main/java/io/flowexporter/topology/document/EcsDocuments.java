package io.flowexporter.topology.document;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.filter.IpAddresses;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.flow.Protocols;
import io.flowexporter.topology.series.CountedFlow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Writes one counted flow as a JSON document in the Elastic Common Schema (ECS 8), so that Filebeat
 * and Elasticsearch take it with no mapping of their own:
 *
 * <pre>
 * {"@timestamp": "2026-11-21T06:01:01Z",                 pmacct's timestamp_end, timestamp_start
 *                                                          or stamp_updated, else the Kafka time
 *  "ecs": {"version": "8.11.0"},
 *  "event": {"id": "pmacct.flows:0:1234:0", "kind": "event", "category": ["network"],
 *            "type": ["connection"], "start": ..., "end": ..., "duration": ns},
 *                                                          from timestamp_start and timestamp_end
 *  "source": {"ip": "198.51.100.7", "port": 51514, "mac": "00-1B-21-3C-4D-5E",
 *             "as": {"number": 15169, "organization": {"name": "GOOGLE"}}},
 *  "destination": {...the same...},
 *  "network": {"transport": "tcp", "iana_number": "6", "direction": "inbound", "bytes": 9000, "packets": 12,
 *              "vlan": {"id": "100"}},
 *  "observer": {"hostname": "edge1", "ip": "10.0.0.1",
 *               "ingress": {"interface": {"id": "3"}}, "egress": {"interface": {"id": "7"}}},
 *  "pmacct": {every other field of the record, as pmacct wrote it}}
 * </pre>
 *
 * <p>A pmacct field moves to its ECS home only with a value that means something there: a time
 * pmacct could print, a MAC address other than pmacct's all-zero "none", a VLAN of 1..4094, an
 * interface index above 0. Otherwise it stays under {@code pmacct} as written, so nothing is lost.
 *
 * <p>The AS numbers are those the counting used (AS 0 resolved from the address when so
 * configured), the names the AS database's at the time of writing; bytes and packets have the
 * sampling rate applied. A field the record lacks is left out (a port of 0, an AS of 0 included).
 * {@code network.direction} is {@code inbound} for receive, {@code outbound} for transmit, {@code
 * internal} for transmit between two of the operator's ASes, and {@code unknown} for a flow that is
 * not the operator's (the flow API shows those too). {@code network.transport} is the protocol's
 * name and {@code network.iana_number} its number; a protocol pmacct names by number only has no
 * transport.
 *
 * <p>Not thread-safe: one per stream task.
 */
public final class EcsDocuments {

  public static final String ECS_VERSION = "8.11.0";

  /**
   * The largest document written by default: below Kafka's default limits of a produced record
   * ({@code max.request.size}, 1,048,576 bytes, and a topic's {@code max.message.bytes}), with room
   * for the key and the record's overhead. A topic that takes less gets smaller documents.
   */
  public static final int MAX_DOCUMENT_BYTES = 1_000_000;

  /**
   * The smallest bound a document can be held to: a flow's ECS fields with long names, addresses
   * and a tag, without any pmacct field of its own, stay well below it.
   */
  public static final int MIN_DOCUMENT_BYTES = 4096;

  /** In place of a pmacct object that would make the document larger than that. */
  private static final byte[] TOO_LARGE =
      ",\"tags\":[\"pmacct_fields_too_large\"],\"pmacct\":{}"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** pmacct fields with a home in ECS; every other field goes under {@code pmacct}. */
  private static final Set<String> MAPPED =
      Set.of(
          "as_src",
          "as_dst",
          "ip_src",
          "ip_dst",
          "port_src",
          "port_dst",
          "ip_proto",
          "bytes",
          "packets",
          "peer_ip_src");

  private final JsonFactory json = new JsonFactory();
  private final AsnLookup names;
  private final ByteArrayBuilder doc = new ByteArrayBuilder(1024);
  private final ByteArrayBuilder rest = new ByteArrayBuilder(512);
  private String observerIp;

  /** The fields of the record being written that have an ECS home other than its counters. */
  private String macSrc;

  private String macDst;
  private String vlan;
  private String ifaceIn;
  private String ifaceOut;
  private long startMillis;
  private long endMillis;

  private final FlowClassifier countries;
  private final int maxBytes;

  /** Times parsed and formatted last: records of one flush mostly share them. */
  private final LastTime endTimes = new LastTime();

  private final LastTime startTimes = new LastTime();
  private final LastTime updatedTimes = new LastTime();
  private long lastFormattedMillis = Long.MIN_VALUE;
  private String lastFormatted;

  private static final byte[] PMACCT_FIELD =
      ",\"pmacct\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Documents without countries (no {@code geo} objects). */
  public EcsDocuments(AsnLookup names) {
    this(names, null);
  }

  /** Documents of up to {@link #MAX_DOCUMENT_BYTES}. */
  public EcsDocuments(AsnLookup names, FlowClassifier countries) {
    this(names, countries, MAX_DOCUMENT_BYTES);
  }

  /**
   * @param countries where each address's country comes from (pmacct's fields, else the country
   *     database): {@code source.geo.country_iso_code} and the same under {@code destination}, left
   *     out for an unknown country; null for no countries at all
   * @param maxBytes the largest document, at least {@link #MIN_DOCUMENT_BYTES}: a record with more
   *     pmacct fields of its own keeps its ECS fields, tagged {@code pmacct_fields_too_large}
   */
  public EcsDocuments(AsnLookup names, FlowClassifier countries, int maxBytes) {
    if (maxBytes < MIN_DOCUMENT_BYTES) {
      throw new IllegalArgumentException("maxBytes " + maxBytes + " < " + MIN_DOCUMENT_BYTES);
    }
    this.names = names;
    this.countries = countries;
    this.maxBytes = maxBytes;
  }

  /**
   * The document of one counted flow.
   *
   * @param line the message; the record is its bytes {@code [start, end)}
   * @param bytes bytes with sampling applied
   * @param packets packets with sampling applied
   * @param eventId see {@link EventIds}
   * @param kafkaMillis the Kafka record's time, for a record without a time of its own
   */
  public byte[] document(
      CountedFlow flow,
      long bytes,
      long packets,
      byte[] line,
      int start,
      int end,
      String eventId,
      long kafkaMillis) {
    try {
      long time = copyUnmapped(line, start, end);
      long when = time >= 0 ? time : kafkaMillis;
      writeEcs(flow, bytes, packets, eventId, when, true);
      if (!fitsWithCopy()) {
        // Too large for the topic: Kafka would refuse it and the counting would stop at every
        // start. AS names (kilobytes only from a broken database) can be looked up again, the
        // record's own fields cannot: the names go first.
        writeEcs(flow, bytes, packets, eventId, when, false);
        if (!fitsWithCopy()) {
          // More pmacct fields of its own than the topic takes: the ECS fields stay (with their
          // names where those fit; without, they are bounded by a host name of at most 255
          // characters and checked addresses, well below the smallest bound), the copy goes.
          writeEcs(flow, bytes, packets, eventId, when, true);
          if (doc.size() + TOO_LARGE.length + 1 > maxBytes) {
            writeEcs(flow, bytes, packets, eventId, when, false);
          }
          doc.write(TOO_LARGE);
          doc.write('}');
          return doc.toByteArray();
        }
      }
      doc.write(PMACCT_FIELD);
      doc.write(rest.toByteArray());
      doc.write('}');
      return doc.toByteArray();
    } catch (IOException e) {
      // The line was parsed once already; writing to memory does not fail.
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the ECS fields in {@link #doc} and the pmacct copy make a document within bounds. */
  private boolean fitsWithCopy() {
    return doc.size() + PMACCT_FIELD.length + rest.size() + 1 <= maxBytes;
  }

  /** The document's ECS fields into {@link #doc}, left open for what follows. */
  private void writeEcs(
      CountedFlow flow, long bytes, long packets, String eventId, long when, boolean asNames)
      throws IOException {
    FlowRecord r = flow.record();
    doc.reset();
    try (JsonGenerator g = json.createGenerator(doc)) {
      g.writeStartObject();
      g.writeStringField("@timestamp", formatted(when));
      g.writeObjectFieldStart("ecs");
      g.writeStringField("version", ECS_VERSION);
      g.writeEndObject();
      g.writeObjectFieldStart("event");
      g.writeStringField("id", eventId);
      g.writeStringField("kind", "event");
      g.writeArrayFieldStart("category");
      g.writeString("network");
      g.writeEndArray();
      g.writeArrayFieldStart("type");
      g.writeString("connection");
      g.writeEndArray();
      if (startMillis >= 0) {
        g.writeStringField("start", formatted(startMillis));
      }
      if (endMillis >= 0) {
        g.writeStringField("end", formatted(endMillis));
      }
      // ECS: nanoseconds, which a long holds for 292 years; a longer flow is a broken clock.
      if (startMillis >= 0
          && endMillis >= startMillis
          && endMillis - startMillis <= Long.MAX_VALUE / 1_000_000L) {
        g.writeNumberField("duration", (endMillis - startMillis) * 1_000_000L);
      }
      g.writeEndObject();
      endpoint(
          g,
          "source",
          r.ipSrc(),
          r.portSrc(),
          macSrc,
          flow.sourceAs(),
          countries == null ? null : countries.sourceCountry(r),
          asNames);
      endpoint(
          g,
          "destination",
          r.ipDst(),
          r.portDst(),
          macDst,
          flow.destinationAs(),
          countries == null ? null : countries.destinationCountry(r),
          asNames);
      g.writeObjectFieldStart("network");
      String protocol = r.protocol();
      if (!protocol.isEmpty()) {
        // ECS: transport is the protocol's name, iana_number its number (a keyword).
        if (Protocols.isNumber(protocol)) {
          g.writeStringField("iana_number", protocol);
        } else {
          g.writeStringField("transport", protocol);
          int number = Protocols.number(protocol);
          if (number >= 0) {
            g.writeStringField("iana_number", Integer.toString(number));
          }
        }
      }
      g.writeStringField("direction", direction(flow));
      g.writeNumberField("bytes", bytes);
      g.writeNumberField("packets", packets);
      if (vlan != null) {
        g.writeObjectFieldStart("vlan");
        g.writeStringField("id", vlan);
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeObjectFieldStart("observer");
      g.writeStringField("hostname", r.hostname());
      // peer_ip_src is any text when a label names the router: an address or nothing.
      if (observerIp != null && IpAddresses.parse(observerIp) != null) {
        g.writeStringField("ip", observerIp);
      }
      observerInterface(g, "ingress", ifaceIn);
      observerInterface(g, "egress", ifaceOut);
      g.writeEndObject();
      // The open document is closed by the caller, after the copied pmacct object.
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
    }
  }

  /** ECS's word: traffic between two of the operator's ASes (counted as transmit) is internal. */
  private String direction(CountedFlow flow) {
    Direction d = flow.direction();
    if (d == null) {
      return "unknown";
    }
    if (d == Direction.RECEIVE) {
      return "inbound";
    }
    return countries != null && countries.isOwn(flow.destinationAs()) ? "internal" : "outbound";
  }

  /** {@code observer.ingress.interface.id} (a keyword in ECS), when pmacct gave an index. */
  private static void observerInterface(JsonGenerator g, String side, String index)
      throws IOException {
    if (index == null) {
      return;
    }
    g.writeObjectFieldStart(side);
    g.writeObjectFieldStart("interface");
    g.writeStringField("id", index);
    g.writeEndObject();
    g.writeEndObject();
  }

  private void endpoint(
      JsonGenerator g,
      String name,
      String ip,
      int port,
      String mac,
      long as,
      String country,
      boolean asName)
      throws IOException {
    g.writeObjectFieldStart(name);
    // Elasticsearch maps *.ip as an address and would refuse the whole document for other text.
    if (ip != null && IpAddresses.parse(ip) != null) {
      g.writeStringField("ip", ip);
    }
    if (port > 0) {
      g.writeNumberField("port", port);
    }
    if (mac != null) {
      g.writeStringField("mac", mac);
    }
    if (country != null && !CountryLookup.UNKNOWN.equals(country)) {
      g.writeObjectFieldStart("geo");
      g.writeStringField("country_iso_code", country);
      g.writeEndObject();
    }
    if (as > 0) {
      g.writeObjectFieldStart("as");
      g.writeNumberField("number", as);
      String org = asName ? names.nameOf(as) : null;
      if (org != null && !org.isEmpty()) {
        g.writeObjectFieldStart("organization");
        g.writeStringField("name", org);
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * Copies the fields without an ECS home into {@link #rest} as one object, notes {@code
   * peer_ip_src} and the fields that move to their ECS home, and returns the record's own time in
   * milliseconds, or -1.
   */
  private long copyUnmapped(byte[] line, int start, int end) throws IOException {
    rest.reset();
    observerIp = null;
    macSrc = null;
    macDst = null;
    vlan = null;
    ifaceIn = null;
    ifaceOut = null;
    startMillis = -1;
    endMillis = -1;
    String stampUpdated = null;
    try (JsonParser p = json.createParser(line, start, end - start);
        JsonGenerator g = json.createGenerator(rest)) {
      p.nextToken();
      g.writeStartObject();
      String field;
      while ((field = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        if (MAPPED.contains(field)) {
          if (field.equals("peer_ip_src") && value == JsonToken.VALUE_STRING) {
            observerIp = p.getText();
          }
          p.skipChildren();
          continue;
        }
        if (field.equals("stamp_updated") && isScalarTime(value)) {
          stampUpdated = p.getText();
        }
        if (movedToEcs(field, value, p)) {
          continue;
        }
        g.writeFieldName(field);
        g.copyCurrentStructure(p);
      }
      g.writeEndObject();
    }
    if (endMillis >= 0) {
      return endMillis;
    }
    if (startMillis >= 0) {
      return startMillis;
    }
    return updatedTimes.parse(stampUpdated);
  }

  /**
   * Notes the value of a field with an ECS home other than the counters' when it means something
   * there; false leaves the field to be copied under {@code pmacct}.
   */
  private boolean movedToEcs(String field, JsonToken value, JsonParser p) throws IOException {
    // A field named twice (no pmacct writes that, and the parser refuses it only for the fields it
    // counts): the first good value moves, any other stays under pmacct, so none is lost. A field
    // has moved when its value above is set.
    switch (field) {
      case "timestamp_start" -> {
        if (startMillis >= 0) {
          return false;
        }
        startMillis = isScalarTime(value) ? startTimes.parse(p.getText()) : -1;
        return startMillis >= 0;
      }
      case "timestamp_end" -> {
        if (endMillis >= 0) {
          return false;
        }
        endMillis = isScalarTime(value) ? endTimes.parse(p.getText()) : -1;
        return endMillis >= 0;
      }
      case "mac_src" -> {
        if (macSrc != null) {
          return false;
        }
        macSrc = mac(value, p);
        return macSrc != null;
      }
      case "mac_dst" -> {
        if (macDst != null) {
          return false;
        }
        macDst = mac(value, p);
        return macDst != null;
      }
      case "vlan" -> {
        if (vlan != null) {
          return false;
        }
        vlan = positiveInt(value, p, 4094);
        return vlan != null;
      }
      case "iface_in" -> {
        if (ifaceIn != null) {
          return false;
        }
        ifaceIn = positiveInt(value, p, Integer.MAX_VALUE);
        return ifaceIn != null;
      }
      case "iface_out" -> {
        if (ifaceOut != null) {
          return false;
        }
        ifaceOut = positiveInt(value, p, Integer.MAX_VALUE);
        return ifaceOut != null;
      }
      default -> {
        return false;
      }
    }
  }

  /** A MAC address in ECS's form, or null (see {@link MacAddresses#ecs}). */
  private static String mac(JsonToken value, JsonParser p) throws IOException {
    return value == JsonToken.VALUE_STRING ? MacAddresses.ecs(p.getText()) : null;
  }

  /** A string or a number: pmacct prints times as text, or as seconds since the epoch. */
  private static boolean isScalarTime(JsonToken value) {
    return value == JsonToken.VALUE_STRING
        || value == JsonToken.VALUE_NUMBER_INT
        || value == JsonToken.VALUE_NUMBER_FLOAT;
  }

  /** A JSON integer in 1..max as text (ECS keeps these ids as keywords), else null. */
  private static String positiveInt(JsonToken value, JsonParser p, long max) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      return null;
    }
    long v = p.getLongValue();
    return v >= 1 && v <= max ? Long.toString(v) : null;
  }

  /** The last time text parsed and its milliseconds (-1: not a time). */
  private static final class LastTime {
    private String text;
    private long millis = -1;

    long parse(String t) {
      if (t == null) {
        return -1;
      }
      if (!t.equals(text)) {
        millis = PmacctTime.parse(t);
        text = t;
      }
      return millis;
    }
  }

  private String formatted(long millis) {
    if (millis != lastFormattedMillis) {
      lastFormatted = PmacctTime.format(millis);
      lastFormattedMillis = millis;
    }
    return lastFormatted;
  }
}
