package io.flowexporter.topology.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortFamilyTest {

  /** Flows of these tests carry no country, and no country database is set. */
  private static final FlowClassifier NO_COUNTRIES =
      new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);

  private final SeriesFamily family = PortFamily.of(Set.of(443, 53, 5432));

  /** The port series a record counts under, as the extractor writes them. */
  private List<PortFamily.Labels> seriesOf(int portSrc, int portDst, Direction direction) {
    FlowRecord r =
        new FlowRecord(
            64500, 15169, 100, 1, "edge1", 0, "192.0.2.1", "8.8.8.8", portSrc, portDst, "tcp", 1);
    List<PortFamily.Labels> out = new ArrayList<>();
    SeriesKeyWriter w =
        new SeriesKeyWriter(
            (b, len, hash) ->
                out.add(PortFamily.labels(family, SeriesKey.wrap(Arrays.copyOf(b, len)))));
    w.use(family, direction);
    family.extractor().extract(new CountedFlow(NO_COUNTRIES).set(r, direction, 64500, 15169), w);
    return out;
  }

  @Test
  void aRecordCountsUnderEachChosenPortItCarries() {
    assertThat(seriesOf(443, 50000, Direction.TRANSMIT))
        .containsExactly(new PortFamily.Labels(Direction.TRANSMIT, 443, "tcp", "edge1"));
    assertThat(seriesOf(50000, 443, Direction.RECEIVE))
        .containsExactly(new PortFamily.Labels(Direction.RECEIVE, 443, "tcp", "edge1"));
    // Both ports chosen: once under each.
    assertThat(seriesOf(5432, 53, Direction.RECEIVE))
        .containsExactly(
            new PortFamily.Labels(Direction.RECEIVE, 5432, "tcp", "edge1"),
            new PortFamily.Labels(Direction.RECEIVE, 53, "tcp", "edge1"));
    // The same chosen port on both ends: once.
    assertThat(seriesOf(443, 443, Direction.RECEIVE)).hasSize(1);
    // No chosen port, or no port at all (pmacct without port primitives): no port series.
    assertThat(seriesOf(80, 50000, Direction.RECEIVE)).isEmpty();
    assertThat(seriesOf(0, 0, Direction.RECEIVE)).isEmpty();
    assertThat(seriesOf(65535, 1, Direction.RECEIVE)).isEmpty();
  }

  @Test
  void theEdgesOfThePortRangeCanBeChosen() {
    SeriesFamily edges = PortFamily.of(List.of(1, 65535));
    SeriesKey key = PortFamily.key(edges, Direction.RECEIVE, 65535, "udp", "h");
    assertThat(PortFamily.labels(edges, key))
        .isEqualTo(new PortFamily.Labels(Direction.RECEIVE, 65535, "udp", "h"));
  }

  @Test
  void refusesPortsOutsideTheRangeAndAnEmptyChoice() {
    assertThatThrownBy(() -> PortFamily.of(List.of(0)))
        .hasMessageContaining("port outside 1..65535: 0");
    assertThatThrownBy(() -> PortFamily.of(List.of(65536))).hasMessageContaining("65536");
    assertThatThrownBy(() -> PortFamily.of(List.of())).hasMessageContaining("no port");
  }

  @Test
  void declaresSixCountersWithPortProtocolAndHostnameLabels() {
    assertThat(family.id()).isEqualTo(2);
    assertThat(family.labels())
        .extracting(Label::name)
        .containsExactly("port", "protocol", "hostname");
    assertThat(family.counters())
        .extracting(Counter::name)
        .containsExactlyInAnyOrder(
            "flow_port_receive_bytes",
            "flow_port_transmit_bytes",
            "flow_port_receive_packets",
            "flow_port_transmit_packets",
            "flow_port_receive_flows",
            "flow_port_transmit_flows");
  }
}
