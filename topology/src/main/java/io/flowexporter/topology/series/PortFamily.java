package io.flowexporter.topology.series;

import io.flowexporter.topology.enrich.Direction;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The port family: {@code flow_port_{receive,transmit}_{bytes,packets,flows}_total} with the labels
 * {@code port}, {@code protocol} and {@code hostname}, for the ports chosen with {@code --port}. A
 * counted record whose {@code port_src} or {@code port_dst} is a chosen port counts under that
 * port; under each of the two when both are chosen and differ, so the series of one family may add
 * up to more than the traffic.
 */
public final class PortFamily {

  /** Family id 2. */
  public static final int ID = 2;

  public static final int MIN_PORT = 1;
  public static final int MAX_PORT = 65535;

  private PortFamily() {}

  /**
   * The family for a set of chosen ports.
   *
   * @throws IllegalArgumentException when the set is empty or a port is outside 1..65535
   */
  public static SeriesFamily of(Collection<Integer> ports) {
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("no port chosen");
    }
    boolean[] chosen = new boolean[MAX_PORT + 1];
    for (int port : ports) {
      if (port < MIN_PORT || port > MAX_PORT) {
        throw new IllegalArgumentException("port outside 1..65535: " + port);
      }
      chosen[port] = true;
    }
    return new SeriesFamily(
        ID,
        "port",
        List.of(
            new Label("port", LabelKind.NUMBER),
            new Label("protocol", LabelKind.TEXT),
            new Label("hostname", LabelKind.TEXT)),
        List.of(
            new Counter(
                Direction.RECEIVE,
                Unit.BYTES,
                "flow_port_receive_bytes",
                "Bytes received into your AS from or to a chosen port (port_src or port_dst), sampling applied."),
            new Counter(
                Direction.TRANSMIT,
                Unit.BYTES,
                "flow_port_transmit_bytes",
                "Bytes sent from your AS from or to a chosen port (port_src or port_dst), sampling applied."),
            new Counter(
                Direction.RECEIVE,
                Unit.PACKETS,
                "flow_port_receive_packets",
                "Packets received into your AS from or to a chosen port, sampling applied."),
            new Counter(
                Direction.TRANSMIT,
                Unit.PACKETS,
                "flow_port_transmit_packets",
                "Packets sent from your AS from or to a chosen port, sampling applied."),
            new Counter(
                Direction.RECEIVE,
                Unit.FLOWS,
                "flow_port_receive_flows",
                "Flows received into your AS from or to a chosen port: pmacct's flows, one per record without it."),
            new Counter(
                Direction.TRANSMIT,
                Unit.FLOWS,
                "flow_port_transmit_flows",
                "Flows sent from your AS from or to a chosen port: pmacct's flows, one per record without it.")),
        (flow, out) -> {
          int src = flow.record().portSrc();
          int dst = flow.record().portDst();
          if (chosen[src]) {
            out.begin()
                .number(src)
                .text(flow.record().protocol())
                .text(flow.record().hostname())
                .emit();
          }
          if (dst != src && chosen[dst]) {
            out.begin()
                .number(dst)
                .text(flow.record().protocol())
                .text(flow.record().hostname())
                .emit();
          }
        });
  }

  /** The key of one port series. */
  public static SeriesKey key(
      SeriesFamily family, Direction direction, int port, String protocol, String hostname) {
    SeriesKey[] made = new SeriesKey[1];
    SeriesKeyWriter w =
        new SeriesKeyWriter((b, len, hash) -> made[0] = SeriesKey.wrap(Arrays.copyOf(b, len)));
    w.use(family, direction);
    w.begin().number(port).text(protocol).text(hostname).emit();
    return made[0];
  }

  /** The labels of a port series, decoded; for tests and diagnostics. */
  public record Labels(Direction direction, int port, String protocol, String hostname) {}

  /** Decodes a port series key (not the overflow series). */
  public static Labels labels(SeriesFamily family, SeriesKey key) {
    List<Object> v = key.values(family);
    return new Labels(
        key.direction(), ((Long) v.get(0)).intValue(), (String) v.get(1), (String) v.get(2));
  }
}
