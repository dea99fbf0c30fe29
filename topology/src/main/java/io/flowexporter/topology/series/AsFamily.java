package io.flowexporter.topology.series;

import io.flowexporter.topology.enrich.Direction;
import java.util.Arrays;
import java.util.List;

/**
 * The AS family: {@code flow_{receive,transmit}_{bytes,packets}_total} with the labels of the Go
 * flow-exporter ({@code source_as}, {@code source_as_name}, {@code destination_as}, {@code
 * destination_as_name}, {@code hostname}).
 */
public final class AsFamily {

  /** Family id 0. */
  public static final SeriesFamily FAMILY =
      new SeriesFamily(
          0,
          "as",
          List.of(
              new Label("source_as", LabelKind.AS),
              new Label("destination_as", LabelKind.AS),
              new Label("hostname", LabelKind.TEXT)),
          List.of(
              new Counter(
                  Direction.RECEIVE,
                  Unit.BYTES,
                  "flow_receive_bytes",
                  "Bytes received from the source AS into your AS, sampling applied."),
              new Counter(
                  Direction.TRANSMIT,
                  Unit.BYTES,
                  "flow_transmit_bytes",
                  "Bytes sent from your AS to the destination AS, sampling applied."),
              new Counter(
                  Direction.RECEIVE,
                  Unit.PACKETS,
                  "flow_receive_packets",
                  "Packets received from the source AS into your AS, sampling applied."),
              new Counter(
                  Direction.TRANSMIT,
                  Unit.PACKETS,
                  "flow_transmit_packets",
                  "Packets sent from your AS to the destination AS, sampling applied.")),
          (flow, out) ->
              out.begin()
                  .as(flow.sourceAs())
                  .as(flow.destinationAs())
                  .text(flow.record().hostname())
                  .emit());

  private AsFamily() {}

  /** The key of one AS series. */
  public static SeriesKey key(
      Direction direction, String hostname, long sourceAs, long destinationAs) {
    SeriesKey[] made = new SeriesKey[1];
    SeriesKeyWriter w =
        new SeriesKeyWriter((b, len, hash) -> made[0] = SeriesKey.wrap(Arrays.copyOf(b, len)));
    w.use(FAMILY, direction);
    w.begin().as(sourceAs).as(destinationAs).text(hostname).emit();
    return made[0];
  }

  /** The labels of an AS series, decoded; for tests and diagnostics. */
  public record Labels(Direction direction, String hostname, long sourceAs, long destinationAs) {}

  /** Decodes an AS series key (not the overflow series). */
  public static Labels labels(SeriesKey key) {
    List<Object> v = key.values(FAMILY);
    return new Labels(key.direction(), (String) v.get(2), (Long) v.get(0), (Long) v.get(1));
  }
}
