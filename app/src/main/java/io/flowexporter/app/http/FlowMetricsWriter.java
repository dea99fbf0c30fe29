package io.flowexporter.app.http;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.SeriesKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the traffic counters in the Prometheus text format (0.0.4) or OpenMetrics 1.0, straight
 * from a snapshot of committed totals: one family per direction and unit, with the labels of the
 * Go flow-exporter. AS names are looked up at scrape time, so a new AS database renames series
 * without reprocessing.
 *
 * <p>Written by hand rather than through one meter object per series: at 100,000 series a meter
 * registry costs hundreds of milliseconds per scrape and a lot of heap. The text is encoded
 * straight into a byte buffer (UTF-8), with each AS name and hostname escaped and encoded once per
 * scrape; no string is built per sample.
 */
public final class FlowMetricsWriter {

  private record Family(Direction direction, boolean bytes, String name, String help) {}

  private static final List<Family> FAMILIES =
      List.of(
          new Family(Direction.RECEIVE, true, "flow_receive_bytes", "Bytes received from the source AS into your AS, sampling applied."),
          new Family(Direction.TRANSMIT, true, "flow_transmit_bytes", "Bytes sent from your AS to the destination AS, sampling applied."),
          new Family(Direction.RECEIVE, false, "flow_receive_packets", "Packets received from the source AS into your AS, sampling applied."),
          new Family(Direction.TRANSMIT, false, "flow_transmit_packets", "Packets sent from your AS to the destination AS, sampling applied."));

  private static final byte[] SOURCE_AS = ascii("_total{source_as=\"");
  private static final byte[] SOURCE_AS_NAME = ascii("\",source_as_name=\"");
  private static final byte[] DESTINATION_AS = ascii("\",destination_as=\"");
  private static final byte[] DESTINATION_AS_NAME = ascii("\",destination_as_name=\"");
  private static final byte[] HOSTNAME = ascii("\",hostname=\"");
  private static final byte[] CLOSE = ascii("\"} ");

  private static final int BUFFER = 1 << 16;
  /** Room for the fixed parts of a sample line and three numbers; names are written in pieces. */
  private static final int LINE_RESERVE = 256;

  private final OutputStream out;
  private final AsnLookup asn;
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private long[] nameKeys = new long[1024];
  private byte[][] nameValues = new byte[1024][];
  private int nameCount;
  private final Map<String, byte[]> hostnames = new HashMap<>();

  private FlowMetricsWriter(OutputStream out, AsnLookup asn) {
    this.out = out;
    this.asn = asn;
  }

  /**
   * Writes the four families in UTF-8 and flushes what it buffered into {@code out} (without
   * flushing {@code out} itself); the caller writes {@code # EOF} after everything for OpenMetrics.
   */
  public static void write(OutputStream out, Map<SeriesKey, Totals> snapshot, AsnLookup asn, boolean openMetrics)
      throws IOException {
    int n = snapshot.size();
    SeriesKey[] keys = new SeriesKey[n];
    Totals[] totals = new Totals[n];
    // Receive series from the front, transmit series from the back: each direction stays in
    // snapshot order.
    int receive = 0;
    int transmit = n;
    for (Map.Entry<SeriesKey, Totals> e : snapshot.entrySet()) {
      int i = e.getKey().direction() == Direction.RECEIVE ? receive++ : --transmit;
      keys[i] = e.getKey();
      totals[i] = e.getValue();
    }
    FlowMetricsWriter w = new FlowMetricsWriter(out, asn);
    for (Family f : FAMILIES) {
      String header = openMetrics ? f.name : f.name + "_total";
      w.raw(("# HELP " + header + " " + f.help + "\n# TYPE " + header + " counter\n").getBytes(StandardCharsets.UTF_8));
      byte[] name = ascii(f.name);
      if (f.direction == Direction.RECEIVE) {
        for (int i = 0; i < receive; i++) {
          w.sample(name, keys[i], f.bytes ? totals[i].bytes() : totals[i].packets());
        }
      } else {
        for (int i = n - 1; i >= transmit; i--) {
          w.sample(name, keys[i], f.bytes ? totals[i].bytes() : totals[i].packets());
        }
      }
    }
    w.flushBuffer();
  }

  private void sample(byte[] family, SeriesKey k, long value) throws IOException {
    if (pos > BUFFER - LINE_RESERVE) {
      flushBuffer();
    }
    put(family);
    put(SOURCE_AS);
    putLong(k.sourceAs());
    put(SOURCE_AS_NAME);
    raw(nameOf(k.sourceAs()));
    put(DESTINATION_AS);
    putLong(k.destinationAs());
    put(DESTINATION_AS_NAME);
    raw(nameOf(k.destinationAs()));
    if (pos > BUFFER - LINE_RESERVE) {
      flushBuffer();
    }
    put(HOSTNAME);
    raw(hostnames.computeIfAbsent(k.hostname(), h -> escape(h).getBytes(StandardCharsets.UTF_8)));
    if (pos > BUFFER - LINE_RESERVE) {
      flushBuffer();
    }
    put(CLOSE);
    putLong(value);
    buf[pos++] = '\n';
  }

  /** The escaped, encoded name of an AS: looked up once per scrape, in an open-addressing table. */
  private byte[] nameOf(long as) {
    int mask = nameKeys.length - 1;
    int i = slot(as, mask);
    while (nameValues[i] != null) {
      if (nameKeys[i] == as) {
        return nameValues[i];
      }
      i = (i + 1) & mask;
    }
    byte[] name = escape(asn.nameOf(as)).getBytes(StandardCharsets.UTF_8);
    nameKeys[i] = as;
    nameValues[i] = name;
    if (++nameCount * 2 > nameKeys.length) {
      growNames();
    }
    return name;
  }

  private void growNames() {
    long[] keys = nameKeys;
    byte[][] values = nameValues;
    nameKeys = new long[keys.length * 2];
    nameValues = new byte[keys.length * 2][];
    int mask = nameKeys.length - 1;
    for (int j = 0; j < keys.length; j++) {
      if (values[j] != null) {
        int i = slot(keys[j], mask);
        while (nameValues[i] != null) {
          i = (i + 1) & mask;
        }
        nameKeys[i] = keys[j];
        nameValues[i] = values[j];
      }
    }
  }

  private static int slot(long as, int mask) {
    long h = as * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** Appends bytes known to fit. */
  private void put(byte[] b) {
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  /** Appends bytes of any length. */
  private void raw(byte[] b) throws IOException {
    if (b.length > BUFFER - pos) {
      flushBuffer();
      if (b.length > BUFFER) {
        out.write(b);
        return;
      }
    }
    put(b);
  }

  /** Appends a non-negative number in decimal. */
  private void putLong(long v) {
    if (v < 0) {
      byte[] s = ascii(Long.toString(v));
      put(s);
      return;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int end = pos + digits;
    for (int i = end - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    pos = end;
  }

  private void flushBuffer() throws IOException {
    if (pos > 0) {
      out.write(buf, 0, pos);
      pos = 0;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Label-value escaping of both formats: backslash, double quote and newline. */
  static String escape(String value) {
    boolean plain = true;
    for (int i = 0; i < value.length() && plain; i++) {
      char c = value.charAt(i);
      plain = c != '\\' && c != '"' && c != '\n';
    }
    if (plain) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
