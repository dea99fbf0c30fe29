package io.flowexporter.app.http;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.SeriesKey;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.EnumMap;
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
 * registry costs hundreds of milliseconds per scrape and a lot of heap.
 */
public final class FlowMetricsWriter {

  private record Family(Direction direction, boolean bytes, String name, String help) {}

  private static final List<Family> FAMILIES =
      List.of(
          new Family(Direction.RECEIVE, true, "flow_receive_bytes", "Bytes received from the source AS into your AS, sampling applied."),
          new Family(Direction.TRANSMIT, true, "flow_transmit_bytes", "Bytes sent from your AS to the destination AS, sampling applied."),
          new Family(Direction.RECEIVE, false, "flow_receive_packets", "Packets received from the source AS into your AS, sampling applied."),
          new Family(Direction.TRANSMIT, false, "flow_transmit_packets", "Packets sent from your AS to the destination AS, sampling applied."));

  private record Sample(String labels, Totals totals) {}

  private FlowMetricsWriter() {}

  /** Writes the four families; the caller writes {@code # EOF} after everything for OpenMetrics. */
  public static void write(Writer out, Map<SeriesKey, Totals> snapshot, AsnLookup asn, boolean openMetrics)
      throws IOException {
    Map<Direction, List<Sample>> byDirection = new EnumMap<>(Direction.class);
    for (Direction d : Direction.values()) {
      byDirection.put(d, new ArrayList<>());
    }
    Map<Long, String> escapedNames = new HashMap<>();
    StringBuilder sb = new StringBuilder(160);
    for (Map.Entry<SeriesKey, Totals> e : snapshot.entrySet()) {
      SeriesKey k = e.getKey();
      sb.setLength(0);
      sb.append("{source_as=\"").append(k.sourceAs())
          .append("\",source_as_name=\"").append(escapedNames.computeIfAbsent(k.sourceAs(), a -> escape(asn.nameOf(a))))
          .append("\",destination_as=\"").append(k.destinationAs())
          .append("\",destination_as_name=\"").append(escapedNames.computeIfAbsent(k.destinationAs(), a -> escape(asn.nameOf(a))))
          .append("\",hostname=\"").append(escape(k.hostname()))
          .append("\"} ");
      byDirection.get(k.direction()).add(new Sample(sb.toString(), e.getValue()));
    }
    for (Family f : FAMILIES) {
      String header = openMetrics ? f.name : f.name + "_total";
      out.write("# HELP " + header + " " + f.help + "\n");
      out.write("# TYPE " + header + " counter\n");
      for (Sample s : byDirection.get(f.direction)) {
        out.write(f.name);
        out.write("_total");
        out.write(s.labels);
        out.write(Long.toString(f.bytes ? s.totals.bytes() : s.totals.packets()));
        out.write('\n');
      }
    }
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
