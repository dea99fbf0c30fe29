package io.flowexporter.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.aggregate.TotalsSnapshot;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.Counter;
import io.flowexporter.topology.series.CountryFamily;
import io.flowexporter.topology.series.Label;
import io.flowexporter.topology.series.LabelKind;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
import io.flowexporter.topology.series.SeriesKeyWriter;
import io.flowexporter.topology.series.Unit;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowMetricsWriterTest {

  private static final AsnLookup NAMES =
      new AsnLookup() {
        @Override
        public long asnOf(String ipAddress) {
          return 0;
        }

        @Override
        public String nameOf(long asn) {
          return asn == 15169 ? "Google \"LLC\"\\x\nß" : asn == 64500 ? "Own" : "";
        }
      };

  private static String write(Map<SeriesKey, Totals> snapshot, boolean openMetrics)
      throws Exception {
    return write(snapshot, SeriesFamilies.asOnly(), openMetrics);
  }

  private static String write(
      Map<SeriesKey, Totals> snapshot, SeriesFamilies families, boolean openMetrics)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FlowMetricsWriter.write(out, TotalsSnapshot.of(snapshot), families, NAMES, openMetrics);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesFourFamiliesWithEscapedUtf8LabelsInSnapshotOrder() throws Exception {
    Map<SeriesKey, Totals> snapshot = new LinkedHashMap<>();
    snapshot.put(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1500, 3, 1));
    snapshot.put(
        AsFamily.key(Direction.TRANSMIT, "rü\"ter", 64500, 4294967295L),
        new Totals(Long.MAX_VALUE, 0, 1));
    snapshot.put(AsFamily.key(Direction.RECEIVE, "edge2", 4294967295L, 64500), new Totals(0, 1, 1));
    String labels1 =
        "{source_as=\"15169\",source_as_name=\"Google \\\"LLC\\\"\\\\x\\nß\",destination_as=\"64500\","
            + "destination_as_name=\"Own\",hostname=\"edge1\"} ";
    String labels2 =
        "{source_as=\"64500\",source_as_name=\"Own\",destination_as=\"4294967295\","
            + "destination_as_name=\"\",hostname=\"rü\\\"ter\"} ";
    String labels3 =
        "{source_as=\"4294967295\",source_as_name=\"\",destination_as=\"64500\","
            + "destination_as_name=\"Own\",hostname=\"edge2\"} ";
    assertThat(write(snapshot, false))
        .isEqualTo(
            "# HELP flow_receive_bytes_total Bytes received from the source AS into your AS, sampling applied.\n"
                + "# TYPE flow_receive_bytes_total counter\n"
                + "flow_receive_bytes_total"
                + labels1
                + "1500\n"
                + "flow_receive_bytes_total"
                + labels3
                + "0\n"
                + "# HELP flow_transmit_bytes_total Bytes sent from your AS to the destination AS, sampling applied.\n"
                + "# TYPE flow_transmit_bytes_total counter\n"
                + "flow_transmit_bytes_total"
                + labels2
                + Long.MAX_VALUE
                + "\n"
                + "# HELP flow_receive_packets_total Packets received from the source AS into your AS, sampling applied.\n"
                + "# TYPE flow_receive_packets_total counter\n"
                + "flow_receive_packets_total"
                + labels1
                + "3\n"
                + "flow_receive_packets_total"
                + labels3
                + "1\n"
                + "# HELP flow_transmit_packets_total Packets sent from your AS to the destination AS, sampling applied.\n"
                + "# TYPE flow_transmit_packets_total counter\n"
                + "flow_transmit_packets_total"
                + labels2
                + "0\n");
  }

  @Test
  void aFamilyWithoutSeriesIsAbsent() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FlowMetricsWriter.write(
        out,
        TotalsSnapshot.of(
            Map.of(AsFamily.key(Direction.RECEIVE, "h", 1, 64500), new Totals(5, 1, 1))),
        SeriesFamilies.of(true),
        NAMES,
        CountryLookup.EMPTY,
        false);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("flow_receive_bytes_total{")
        .doesNotContain("flow_country_");
    out.reset();
    FlowMetricsWriter.write(
        out,
        TotalsSnapshot.of(Map.of()),
        SeriesFamilies.of(true),
        NAMES,
        CountryLookup.EMPTY,
        false);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void openMetricsNamesFamiliesWithoutTheSuffix() throws Exception {
    String text =
        write(Map.of(AsFamily.key(Direction.TRANSMIT, "h", 64500, 1), new Totals(1, 1, 1)), true);
    assertThat(text)
        .contains("# TYPE flow_transmit_bytes counter\n")
        .contains("\nflow_transmit_bytes_total{source_as=\"64500\"");
  }

  @Test
  void manySeriesAndLongNamesCrossTheBufferBoundaries() throws Exception {
    Map<SeriesKey, Totals> snapshot = new LinkedHashMap<>();
    String longHost = "h".repeat(60_000);
    for (int i = 0; i < 5000; i++) {
      snapshot.put(
          AsFamily.key(Direction.RECEIVE, i == 2500 ? longHost : "edge" + i, i, 64500),
          new Totals(i, i, 1));
    }
    String text = write(snapshot, false);
    assertThat(text.lines().filter(l -> l.startsWith("flow_receive_bytes_total{"))).hasSize(5000);
    assertThat(text)
        .contains("hostname=\"" + longHost + "\"} 2500\n")
        .contains(
            "flow_receive_packets_total{source_as=\"4999\",source_as_name=\"\",destination_as=\"64500\","
                + "destination_as_name=\"Own\",hostname=\"edge4999\"} 4999\n");
  }

  @Test
  void overflowSeriesShowsOtherInEveryLabelAndItsOwnerPartition() throws Exception {
    Map<SeriesKey, Totals> snapshot = new LinkedHashMap<>();
    snapshot.put(SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 0), new Totals(7, 2, 1));
    snapshot.put(SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 3), new Totals(9, 4, 1));
    assertThat(write(snapshot, false))
        .contains(
            "flow_receive_bytes_total{source_as=\"other\",source_as_name=\"other\",destination_as=\"other\","
                + "destination_as_name=\"other\",hostname=\"other\",overflow_partition=\"0\"} 7\n",
            "flow_receive_packets_total{source_as=\"other\",source_as_name=\"other\",destination_as=\"other\","
                + "destination_as_name=\"other\",hostname=\"other\",overflow_partition=\"0\"} 2\n",
            "flow_receive_bytes_total{source_as=\"other\",source_as_name=\"other\",destination_as=\"other\","
                + "destination_as_name=\"other\",hostname=\"other\",overflow_partition=\"3\"} 9\n");
  }

  @Test
  void aDeclaredFamilyRendersItsOwnCountersAndLabels() throws Exception {
    // A family the writer has never heard of: its declaration alone decides what is written.
    SeriesFamily ports =
        new SeriesFamily(
            42,
            "test-port",
            List.of(new Label("port", LabelKind.NUMBER), new Label("router", LabelKind.TEXT)),
            List.of(
                new Counter(Direction.TRANSMIT, Unit.FLOWS, "test_port_transmit_flows", "Flows.")),
            (flow, out) -> out.begin().number(443).text(flow.record().hostname()).emit());
    SeriesKey[] key = new SeriesKey[1];
    SeriesKeyWriter w =
        new SeriesKeyWriter((b, len, hash) -> key[0] = SeriesKey.wrap(Arrays.copyOf(b, len)));
    w.use(ports, Direction.TRANSMIT);
    w.begin().number(443).text("r\"1").emit();
    Map<SeriesKey, Totals> snapshot = new LinkedHashMap<>();
    snapshot.put(key[0], new Totals(100, 10, 3));
    snapshot.put(AsFamily.key(Direction.TRANSMIT, "h", 64500, 1), new Totals(5, 5, 5));
    String text = write(snapshot, new SeriesFamilies(List.of(AsFamily.FAMILY, ports)), false);
    assertThat(text)
        .contains(
            "# TYPE test_port_transmit_flows_total counter\n"
                + "test_port_transmit_flows_total{port=\"443\",router=\"r\\\"1\"} 3\n");
    assertThat(text).contains("flow_transmit_bytes_total{source_as=\"64500\"");
    // Series of a family this instance does not declare are left out.
    assertThat(write(snapshot, false)).doesNotContain("port=");
  }

  @Test
  void countrySeriesShowTheCodeAndTheDatabasesNameUnknownForZz() throws Exception {
    CountryLookup countries =
        new CountryLookup() {
          @Override
          public String countryOf(String ipAddress) {
            return UNKNOWN;
          }

          @Override
          public String nameOf(String code) {
            return switch (code) {
              case "ZZ" -> UNKNOWN_NAME;
              case "KR" -> "Korea, \"Republic\" of";
              case "CI" -> "Côte d'Ivoire";
              default -> code;
            };
          }
        };
    Map<SeriesKey, Totals> snapshot = new LinkedHashMap<>();
    snapshot.put(CountryFamily.key(Direction.RECEIVE, "KR", "edge1"), new Totals(800, 4, 2));
    snapshot.put(CountryFamily.key(Direction.RECEIVE, "CI", "edge1"), new Totals(10, 1, 1));
    snapshot.put(CountryFamily.key(Direction.TRANSMIT, "ZZ", "edge2"), new Totals(70, 7, 1));
    snapshot.put(
        SeriesKey.overflow(CountryFamily.FAMILY, Direction.TRANSMIT, 0), new Totals(5, 1, 1));
    snapshot.put(AsFamily.key(Direction.TRANSMIT, "h", 64500, 1), new Totals(5, 5, 5));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FlowMetricsWriter.write(
        out, TotalsSnapshot.of(snapshot), SeriesFamilies.of(true), NAMES, countries, false);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains(
            "# TYPE flow_country_receive_bytes_total counter\n"
                + "flow_country_receive_bytes_total{country=\"KR\",country_name=\"Korea, \\\"Republic\\\" of\",hostname=\"edge1\"} 800\n"
                + "flow_country_receive_bytes_total{country=\"CI\",country_name=\"Côte d'Ivoire\",hostname=\"edge1\"} 10\n",
            "flow_country_transmit_bytes_total{country=\"ZZ\",country_name=\"Unknown\",hostname=\"edge2\"} 70\n"
                + "flow_country_transmit_bytes_total{country=\"other\",country_name=\"other\",hostname=\"other\",overflow_partition=\"0\"} 5\n",
            "flow_country_receive_packets_total{country=\"KR\",country_name=\"Korea, \\\"Republic\\\" of\",hostname=\"edge1\"} 4\n",
            "flow_country_transmit_packets_total{country=\"ZZ\",country_name=\"Unknown\",hostname=\"edge2\"} 7\n",
            "flow_transmit_bytes_total{source_as=\"64500\"");
    // Without the family, its series are left out.
    assertThat(write(snapshot, false)).doesNotContain("country");
  }
}
