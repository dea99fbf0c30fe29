package io.flowexporter.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.SeriesKey;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowMetricsWriterTest {

  private static final AsnLookup NAMES =
      new AsnLookup() {
        @Override
        public long asnOf(String ip) {
          return 0;
        }

        @Override
        public String nameOf(long asn) {
          return asn == 15169 ? "Google LLC" : asn == 64500 ? "Say \"hi\" \\ co" : "";
        }
      };

  private static final Map<SeriesKey, Totals> SNAPSHOT = Map.of(
      new SeriesKey(Direction.RECEIVE, "edge1", 15169, 64500), new Totals(1500, 3),
      new SeriesKey(Direction.TRANSMIT, "edge1", 64500, 4294967295L), new Totals(70, 1));

  private static String write(boolean openMetrics) throws Exception {
    StringWriter out = new StringWriter();
    FlowMetricsWriter.write(out, SNAPSHOT, NAMES, openMetrics);
    return out.toString();
  }

  @Test
  void writesTheGoExportersMetricNamesAndLabels() throws Exception {
    String text = write(false);
    assertThat(text).contains(
        "# TYPE flow_receive_bytes_total counter\n",
        "flow_receive_bytes_total{source_as=\"15169\",source_as_name=\"Google LLC\",destination_as=\"64500\","
            + "destination_as_name=\"Say \\\"hi\\\" \\\\ co\",hostname=\"edge1\"} 1500\n",
        "flow_receive_packets_total{source_as=\"15169\",source_as_name=\"Google LLC\",destination_as=\"64500\","
            + "destination_as_name=\"Say \\\"hi\\\" \\\\ co\",hostname=\"edge1\"} 3\n",
        "flow_transmit_bytes_total{source_as=\"64500\",source_as_name=\"Say \\\"hi\\\" \\\\ co\",destination_as=\"4294967295\","
            + "destination_as_name=\"\",hostname=\"edge1\"} 70\n",
        "# TYPE flow_transmit_packets_total counter\n");
    assertThat(text).doesNotContain("flow_transmit_bytes_total{source_as=\"15169\"");
  }

  @Test
  void openMetricsNamesFamiliesWithoutTheTotalSuffix() throws Exception {
    String text = write(true);
    assertThat(text).contains("# TYPE flow_receive_bytes counter\n", "flow_receive_bytes_total{");
    assertThat(text).doesNotContain("# TYPE flow_receive_bytes_total");
  }

  @Test
  void escapesBackslashQuoteAndNewline() {
    assertThat(FlowMetricsWriter.escape("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
    assertThat(FlowMetricsWriter.escape("plain")).isEqualTo("plain");
  }
}
