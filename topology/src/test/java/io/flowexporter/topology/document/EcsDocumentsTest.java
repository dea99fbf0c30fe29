package io.flowexporter.topology.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.flow.InvalidReason;
import io.flowexporter.topology.flow.ParseListener;
import io.flowexporter.topology.series.CountedFlow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EcsDocumentsTest {

  /** Flows of these tests carry no country, and no country database is set. */
  private static final FlowClassifier NO_COUNTRIES =
      new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);

  /** nfacctd 1.7.7 (NetFlow v9, timestamp_start/end in the aggregate, sampled, label map). */
  static final String NFACCTD =
      "{\"event_type\": \"purge\", \"label\": {\"hostname\": \"edge1\", \"site\": \"par\"}, \"as_src\": 15169, \"as_dst\": 64500, "
          + "\"peer_ip_src\": \"10.0.0.1\", \"iface_in\": 3, \"iface_out\": 7, \"ip_src\": \"8.8.8.8\", \"ip_dst\": \"192.0.2.10\", "
          + "\"port_src\": 443, \"port_dst\": 51514, \"ip_proto\": \"tcp\", \"tcp_flags\": \"24\", "
          + "\"timestamp_start\": \"2026-11-21 06:00:58.120000\", \"timestamp_end\": \"2026-11-21 06:01:00.500000\", "
          + "\"sampling_rate\": 100, \"stamp_inserted\": \"2026-11-21 06:00:00\", \"stamp_updated\": \"2026-11-21 06:01:01\", "
          + "\"packets\": 12, \"flows\": 2, \"bytes\": 9000, \"writer_id\": \"default_kafka/12345\"}";

  /** pmacctd 1.7.7 (libpcap, no exporter address, AS 0 from no BGP, no timestamp_* primitives). */
  static final String PMACCTD =
      "{\"event_type\": \"purge\", \"label\": \"edge1\", \"as_src\": 0, \"as_dst\": 64500, "
          + "\"ip_src\": \"2001:db8:1::7\", \"ip_dst\": \"2001:db8:ffff::1\", \"port_src\": 53, \"port_dst\": 40000, "
          + "\"ip_proto\": \"udp\", \"tcp_flags\": \"0\", \"stamp_inserted\": \"2026-11-21 06:00:00\", "
          + "\"stamp_updated\": \"2026-11-21 06:01:01\", \"packets\": 1, \"bytes\": 120, \"writer_id\": \"default_kafka/99\"}";

  private static final AsnLookup NAMES =
      names(asn -> asn == 15169 ? "GOOGLE" : asn == 64500 ? "EXAMPLE-NET" : "");

  /** AS names only: no AS from an address. */
  private static AsnLookup names(java.util.function.LongFunction<String> nameOf) {
    return new AsnLookup() {
      @Override
      public long asnOf(String ip) {
        return 0;
      }

      @Override
      public String nameOf(long asn) {
        return nameOf.apply(asn);
      }
    };
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static FlowRecord parse(String line) {
    List<FlowRecord> out = new ArrayList<>();
    new FlowParser()
        .parse(
            line.getBytes(StandardCharsets.UTF_8),
            new ParseListener() {
              @Override
              public void record(FlowRecord record) {
                out.add(record);
              }

              @Override
              public void marker() {}

              @Override
              public void invalid(InvalidReason reason, String sample) {
                throw new AssertionError(reason + ": " + sample);
              }
            });
    return out.get(0);
  }

  private static JsonNode document(
      String line, Direction d, long src, long dst, long bytes, long packets, long kafkaMillis)
      throws Exception {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    CountedFlow flow = new CountedFlow(NO_COUNTRIES).set(parse(line), d, src, dst);
    byte[] doc =
        new EcsDocuments(NAMES)
            .document(flow, bytes, packets, b, 0, b.length, "pmacct.flows:2:77:1", kafkaMillis);
    assertThat(new String(doc, StandardCharsets.UTF_8)).doesNotContain("\n");
    return JSON.readTree(doc);
  }

  @Test
  void anNfacctdRecordInEcs() throws Exception {
    JsonNode d = document(NFACCTD, Direction.RECEIVE, 15169, 64500, 900_000, 1200, 0);
    assertThat(d.path("@timestamp").asText()).isEqualTo("2026-11-21T06:01:00.500Z");
    assertThat(d.path("ecs").path("version").asText()).isEqualTo(EcsDocuments.ECS_VERSION);
    assertThat(d.path("event").toString())
        .isEqualTo(
            "{\"id\":\"pmacct.flows:2:77:1\",\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"connection\"],"
                + "\"start\":\"2026-11-21T06:00:58.120Z\",\"end\":\"2026-11-21T06:01:00.500Z\",\"duration\":2380000000}");
    assertThat(d.path("source").toString())
        .isEqualTo(
            "{\"ip\":\"8.8.8.8\",\"port\":443,\"as\":{\"number\":15169,\"organization\":{\"name\":\"GOOGLE\"}}}");
    assertThat(d.path("destination").toString())
        .isEqualTo(
            "{\"ip\":\"192.0.2.10\",\"port\":51514,\"as\":{\"number\":64500,\"organization\":{\"name\":\"EXAMPLE-NET\"}}}");
    assertThat(d.path("network").toString())
        .isEqualTo(
            "{\"transport\":\"tcp\",\"iana_number\":\"6\",\"direction\":\"inbound\",\"bytes\":900000,\"packets\":1200}");
    assertThat(d.path("observer").toString())
        .isEqualTo(
            "{\"hostname\":\"edge1\",\"ip\":\"10.0.0.1\","
                + "\"ingress\":{\"interface\":{\"id\":\"3\"}},\"egress\":{\"interface\":{\"id\":\"7\"}}}");
    // Fields without an ECS home, as pmacct wrote them; those with one are not repeated.
    JsonNode p = d.path("pmacct");
    assertThat(p.path("label").path("site").asText()).isEqualTo("par");
    assertThat(p.path("stamp_updated").asText()).isEqualTo("2026-11-21 06:01:01");
    assertThat(p.path("sampling_rate").asInt()).isEqualTo(100);
    assertThat(p.path("flows").asInt()).isEqualTo(2);
    assertThat(p.path("writer_id").asText()).isEqualTo("default_kafka/12345");
    assertThat(
            p.has("bytes")
                || p.has("ip_src")
                || p.has("as_dst")
                || p.has("port_src")
                || p.has("peer_ip_src")
                || p.has("iface_in")
                || p.has("iface_out")
                || p.has("timestamp_start")
                || p.has("timestamp_end"))
        .isFalse();
  }

  @Test
  void macAddressesAndTheVlanGoToTheirEcsHomes() throws Exception {
    JsonNode d =
        document(
            "{\"bytes\": 5, \"as_dst\": 64500, \"mac_src\": \"00:1b:21:3c:4d:5e\","
                + " \"mac_dst\": \"A4-BB-6D-00-00-0F\", \"vlan\": 100}",
            Direction.RECEIVE,
            0,
            64500,
            5,
            0,
            1L);
    assertThat(d.path("source").path("mac").asText()).isEqualTo("00-1B-21-3C-4D-5E");
    assertThat(d.path("destination").path("mac").asText()).isEqualTo("A4-BB-6D-00-00-0F");
    assertThat(d.path("network").path("vlan").toString()).isEqualTo("{\"id\":\"100\"}");
    assertThat(d.path("pmacct").toString()).isEqualTo("{}");
  }

  @Test
  void valuesThatMeanNothingInEcsStayUnderPmacctAsWritten() throws Exception {
    // pmacct's "none" for each (no MAC address, VLAN or interface; a time it did not set), and
    // values that are no MAC address, VLAN, interface index or time at all.
    String record =
        "{\"bytes\": 5, \"as_dst\": 64500, \"mac_src\": \"00:00:00:00:00:00\","
            + " \"mac_dst\": \"00:1b:21:3c:4d\", \"vlan\": 0, \"iface_in\": 0,"
            + " \"iface_out\": \"7\", \"timestamp_start\": \"0000-00-00 00:00:00\","
            + " \"timestamp_end\": \"soon\"}";
    JsonNode d = document(record, Direction.RECEIVE, 0, 64500, 5, 0, 1_800_000_000_123L);
    assertThat(d.path("source").has("mac")).isFalse();
    assertThat(d.path("destination").has("mac")).isFalse();
    assertThat(d.path("network").has("vlan")).isFalse();
    assertThat(d.path("observer").has("ingress") || d.path("observer").has("egress")).isFalse();
    assertThat(d.path("event").has("start") || d.path("event").has("end")).isFalse();
    assertThat(d.path("@timestamp").asText()).isEqualTo("2027-01-15T08:00:00.123Z");
    assertThat(d.path("pmacct"))
        .isEqualTo(((ObjectNode) JSON.readTree(record)).remove(List.of("bytes", "as_dst")));
    JsonNode vlan4095 =
        document(
            "{\"bytes\": 5, \"as_dst\": 64500, \"vlan\": 4095}",
            Direction.RECEIVE,
            0,
            64500,
            5,
            0,
            1L);
    assertThat(vlan4095.path("pmacct").path("vlan").asInt()).isEqualTo(4095);
  }

  @Test
  void aFieldNamedTwiceMovesItsFirstGoodValueAndKeepsTheOther() throws Exception {
    JsonNode d =
        document(
            "{\"bytes\": 5, \"as_dst\": 64500, \"vlan\": 100, \"vlan\": 200,"
                + " \"mac_src\": \"junk\", \"mac_src\": \"00:1b:21:3c:4d:5e\"}",
            Direction.RECEIVE,
            0,
            64500,
            5,
            0,
            1L);
    assertThat(d.path("network").path("vlan").path("id").asText()).isEqualTo("100");
    assertThat(d.path("pmacct").path("vlan").asInt()).isEqualTo(200);
    assertThat(d.path("source").path("mac").asText()).isEqualTo("00-1B-21-3C-4D-5E");
    assertThat(d.path("pmacct").path("mac_src").asText()).isEqualTo("junk");
  }

  @Test
  void aFlowWithoutAStartHasNoDuration() throws Exception {
    JsonNode d =
        document(
            "{\"bytes\": 5, \"as_dst\": 64500, \"timestamp_end\": \"2026-11-21 06:01:00\"}",
            Direction.RECEIVE,
            0,
            64500,
            5,
            0,
            1L);
    assertThat(d.path("event").path("end").asText()).isEqualTo("2026-11-21T06:01:00Z");
    assertThat(d.path("event").has("start") || d.path("event").has("duration")).isFalse();
  }

  @Test
  void eachAddressGetsItsCountryFromPmacctOrTheCountryDatabaseAndAnUnknownOneNone()
      throws Exception {
    CountryLookup countries =
        new CountryLookup() {
          @Override
          public String countryOf(String ip) {
            return "8.8.8.8".equals(ip) ? "US" : UNKNOWN;
          }

          @Override
          public String nameOf(String code) {
            return code;
          }
        };
    FlowClassifier withDatabase =
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY, countries);
    byte[] b = NFACCTD.getBytes(StandardCharsets.UTF_8);
    CountedFlow flow =
        new CountedFlow(withDatabase).set(parse(NFACCTD), Direction.RECEIVE, 15169, 64500);
    JsonNode d =
        JSON.readTree(
            new EcsDocuments(NAMES, withDatabase)
                .document(flow, 1, 1, b, 0, b.length, "t:0:1:1", 0));
    assertThat(d.path("source").path("geo").toString()).isEqualTo("{\"country_iso_code\":\"US\"}");
    assertThat(d.path("destination").has("geo"))
        .as("an address the database does not know")
        .isFalse();

    String given =
        NFACCTD.substring(0, NFACCTD.lastIndexOf('}'))
            + ", \"country_ip_src\": \"DE\", \"country_ip_dst\": \"NL\"}";
    byte[] g = given.getBytes(StandardCharsets.UTF_8);
    flow = new CountedFlow(withDatabase).set(parse(given), Direction.RECEIVE, 15169, 64500);
    d =
        JSON.readTree(
            new EcsDocuments(NAMES, withDatabase)
                .document(flow, 1, 1, g, 0, g.length, "t:0:1:1", 0));
    assertThat(d.path("source").path("geo").path("country_iso_code").asText()).isEqualTo("DE");
    assertThat(d.path("destination").path("geo").path("country_iso_code").asText()).isEqualTo("NL");

    // Without a country database, and without pmacct's fields, no geo objects at all.
    assertThat(document(NFACCTD, Direction.RECEIVE, 15169, 64500, 1, 1, 0).toString())
        .doesNotContain("\"geo\"");
  }

  @Test
  void aDocumentThatWouldBeTooLargeForKafkaKeepsItsEcsFieldsAndDropsThePmacctCopy()
      throws Exception {
    String huge =
        NFACCTD.replace(
            "\"writer_id\"",
            "\"pad\": \"" + "x".repeat(EcsDocuments.MAX_DOCUMENT_BYTES) + "\", \"writer_id\"");
    byte[] b = huge.getBytes(StandardCharsets.UTF_8);
    CountedFlow flow =
        new CountedFlow(NO_COUNTRIES).set(parse(huge), Direction.RECEIVE, 15169, 64500);
    byte[] doc =
        new EcsDocuments(NAMES).document(flow, 900_000, 1200, b, 0, b.length, "t:0:1:0", 0);
    assertThat(doc.length).isLessThan(EcsDocuments.MAX_DOCUMENT_BYTES);
    JsonNode d = JSON.readTree(doc);
    assertThat(d.path("source").path("ip").asText()).isEqualTo("8.8.8.8");
    assertThat(d.path("network").path("bytes").asLong()).isEqualTo(900_000);
    assertThat(d.path("tags").get(0).asText()).isEqualTo("pmacct_fields_too_large");
    assertThat(d.path("pmacct").isEmpty()).isTrue();
    // one just below the limit keeps its copy
    String large =
        NFACCTD.replace("\"writer_id\"", "\"pad\": \"" + "x".repeat(900_000) + "\", \"writer_id\"");
    assertThat(
            document(large, Direction.RECEIVE, 15169, 64500, 1, 1, 0)
                .path("pmacct")
                .path("pad")
                .asText())
        .hasSize(900_000);
  }

  @Test
  void aSmallerBoundKeepsThePmacctCopyExactlyUpToIt() throws Exception {
    int bound = 8192;
    EcsDocuments ecs = new EcsDocuments(NAMES, null, bound);
    int empty = padded(ecs, 0).length;
    int largest = bound - empty; // the document grows by one byte a character of the pad
    byte[] atTheBound = padded(ecs, largest);
    assertThat(atTheBound).hasSize(bound);
    assertThat(JSON.readTree(atTheBound).path("pmacct").path("pad").asText()).hasSize(largest);
    assertThat(JSON.readTree(atTheBound).has("tags")).isFalse();
    // one byte more: the AS names go first, the record's own fields stay
    byte[] doc = padded(ecs, largest + 1);
    assertThat(doc.length).isLessThanOrEqualTo(bound);
    JsonNode d = JSON.readTree(doc);
    assertThat(d.has("tags")).isFalse();
    assertThat(d.path("pmacct").path("pad").asText()).hasSize(largest + 1);
    assertThat(d.path("source").path("as").has("organization")).isFalse();
    assertThat(d.path("source").path("as").path("number").asLong()).isEqualTo(15169);
    // more than the names make room for: the copy goes, tagged, and the names stay
    doc = padded(ecs, 50_000);
    assertThat(doc.length).isLessThanOrEqualTo(bound);
    d = JSON.readTree(doc);
    assertThat(d.path("tags").path(0).asText()).isEqualTo("pmacct_fields_too_large");
    assertThat(d.path("pmacct").isEmpty()).isTrue();
    assertThat(d.path("source").path("as").path("organization").path("name").asText())
        .isEqualTo("GOOGLE");
    assertThatThrownBy(() -> new EcsDocuments(NAMES, null, EcsDocuments.MIN_DOCUMENT_BYTES - 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void asNamesOfKilobytesGoWhenTheEcsFieldsAloneWouldPassTheBound() throws Exception {
    AsnLookup longNames = names(asn -> "N".repeat(3000));
    EcsDocuments ecs = new EcsDocuments(longNames, null, EcsDocuments.MIN_DOCUMENT_BYTES);
    // the names go, the record's own fields stay
    byte[] doc = padded(ecs, 10);
    assertThat(doc.length).isLessThanOrEqualTo(EcsDocuments.MIN_DOCUMENT_BYTES);
    JsonNode d = JSON.readTree(doc);
    assertThat(d.has("tags")).isFalse();
    assertThat(d.path("pmacct").path("pad").asText()).hasSize(10);
    assertThat(d.path("source").path("as").path("number").asLong()).isEqualTo(15169);
    assertThat(d.path("source").path("as").has("organization")).isFalse();
    assertThat(d.path("network").path("bytes").asLong()).isEqualTo(1);
    // both too large: the names and the copy go
    doc = padded(ecs, 5000);
    assertThat(doc.length).isLessThanOrEqualTo(EcsDocuments.MIN_DOCUMENT_BYTES);
    d = JSON.readTree(doc);
    assertThat(d.path("tags").path(0).asText()).isEqualTo("pmacct_fields_too_large");
    assertThat(d.path("pmacct").isEmpty()).isTrue();
    assertThat(d.path("destination").path("as").has("organization")).isFalse();
    // with room for them, the names stay
    assertThat(
            JSON.readTree(
                    new EcsDocuments(longNames, null, 20_000)
                        .document(
                            flowOf(NFACCTD),
                            1,
                            1,
                            bytes(NFACCTD),
                            0,
                            bytes(NFACCTD).length,
                            "t:0:1:0",
                            0))
                .path("source")
                .path("as")
                .path("organization")
                .path("name")
                .asText())
        .hasSize(3000);
  }

  @Test
  void observerIpOnlyWhenPeerIpSrcIsAnAddress() throws Exception {
    String line =
        NFACCTD.replace(
            "\"peer_ip_src\": \"10.0.0.1\"", "\"peer_ip_src\": \"" + "z".repeat(10_000) + "\"");
    JsonNode d =
        JSON.readTree(
            new EcsDocuments(NAMES, null, EcsDocuments.MIN_DOCUMENT_BYTES)
                .document(flowOf(line), 1, 1, bytes(line), 0, bytes(line).length, "t:0:1:0", 0));
    assertThat(d.path("observer").has("ip")).isFalse();
    assertThat(d.path("observer").path("hostname").asText()).isEqualTo("edge1");
    assertThat(
            document(NFACCTD, Direction.RECEIVE, 15169, 64500, 1, 1, 0)
                .path("observer")
                .path("ip")
                .asText())
        .isEqualTo("10.0.0.1");
  }

  private static byte[] bytes(String line) {
    return line.getBytes(StandardCharsets.UTF_8);
  }

  private static CountedFlow flowOf(String line) {
    return new CountedFlow(NO_COUNTRIES).set(parse(line), Direction.RECEIVE, 15169, 64500);
  }

  /** NFACCTD's document with a pmacct field "pad" of that many characters. */
  private static byte[] padded(EcsDocuments ecs, int pad) {
    String line =
        NFACCTD.replace("\"writer_id\"", "\"pad\": \"" + "x".repeat(pad) + "\", \"writer_id\"");
    byte[] b = bytes(line);
    return ecs.document(flowOf(line), 1, 1, b, 0, b.length, "t:0:1:0", 0);
  }

  @Test
  void aPmacctdRecordInEcsWithAnAsResolvedFromItsAddress() throws Exception {
    JsonNode d = document(PMACCTD, Direction.TRANSMIT, 15169, 64500, 120, 1, 0);
    assertThat(d.path("@timestamp").asText()).isEqualTo("2026-11-21T06:01:01Z"); // stamp_updated
    assertThat(d.path("source").path("as").path("number").asLong()).isEqualTo(15169);
    assertThat(d.path("source").path("ip").asText()).isEqualTo("2001:db8:1::7");
    assertThat(d.path("network").path("direction").asText()).isEqualTo("outbound");
    assertThat(d.path("network").path("transport").asText()).isEqualTo("udp");
    assertThat(d.path("observer").has("ip")).isFalse();
    assertThat(d.path("observer").path("hostname").asText()).isEqualTo("edge1");
    assertThat(d.path("pmacct").path("tcp_flags").asText()).isEqualTo("0");
  }

  @Test
  void aProtocolKnownByNumberOnlyHasNoTransportAndOwnToOwnIsInternal() throws Exception {
    FlowClassifier own =
        new FlowClassifier(List.of(64500L, 64501L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
    String line = PMACCTD.replace("\"udp\"", "\"253\"");
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    CountedFlow flow = new CountedFlow(own).set(parse(line), Direction.TRANSMIT, 64500, 64501);
    JsonNode d =
        JSON.readTree(
            new EcsDocuments(NAMES, own).document(flow, 120, 1, b, 0, b.length, "t:0:1:0", 0));
    assertThat(d.path("network").has("transport")).isFalse();
    assertThat(d.path("network").path("iana_number").asText()).isEqualTo("253");
    assertThat(d.path("network").path("direction").asText()).isEqualTo("internal");
    // To another AS: outbound.
    flow.set(parse(line), Direction.TRANSMIT, 64500, 15169);
    d =
        JSON.readTree(
            new EcsDocuments(NAMES, own).document(flow, 120, 1, b, 0, b.length, "t:0:1:0", 0));
    assertThat(d.path("network").path("direction").asText()).isEqualTo("outbound");
  }

  @Test
  void anEndTimeThatPmacctLeftUnsetGivesWayToTheStartTime() throws Exception {
    // timestamps_since_epoch: an unset time is printed as 0.000000.
    JsonNode d =
        document(
            "{\"bytes\": 5, \"as_dst\": 64500, \"timestamp_start\": \"1763704858.120000\","
                + " \"timestamp_end\": \"0.000000\"}",
            Direction.RECEIVE,
            0,
            64500,
            5,
            0,
            1_800_000_000_123L);
    assertThat(d.path("@timestamp").asText()).isEqualTo("2025-11-21T06:00:58.120Z");
  }

  @Test
  void withoutItsOwnTimeARecordTakesTheKafkaTimeAndMissingFieldsAreLeftOut() throws Exception {
    JsonNode d =
        document(
            "{\"bytes\": 5, \"as_dst\": 64500}",
            Direction.RECEIVE,
            0,
            64500,
            5,
            0,
            1_800_000_000_123L);
    assertThat(d.path("@timestamp").asText()).isEqualTo("2027-01-15T08:00:00.123Z");
    assertThat(d.path("source").toString()).isEqualTo("{}");
    assertThat(d.path("network").has("transport")).isFalse();
    assertThat(d.path("pmacct").toString()).isEqualTo("{}");
  }

  @Test
  void anAddressThatIsNotOneIsLeftOutAsElasticsearchWouldRefuseTheDocument() throws Exception {
    JsonNode d =
        document(
            "{\"bytes\": 5, \"ip_src\": \"not-an-ip\", \"ip_dst\": \"2001:db8::1\", \"as_dst\": 64500}",
            Direction.RECEIVE,
            0,
            64500,
            5,
            1,
            0);
    assertThat(d.path("source").has("ip")).isFalse();
    assertThat(d.path("destination").path("ip").asText()).isEqualTo("2001:db8::1");
  }

  @Test
  void pmacctTimeForms() {
    assertThat(PmacctTime.parse("2026-11-21 06:01:01")).isEqualTo(1_795_240_861_000L);
    assertThat(PmacctTime.parse("2026-11-21 06:01:01.250000")).isEqualTo(1_795_240_861_250L);
    assertThat(PmacctTime.parse("2026-11-21 06:01:01.5")).isEqualTo(1_795_240_861_500L);
    assertThat(PmacctTime.parse("2026-11-21 06:01:01.250")).isEqualTo(1_795_240_861_250L);
    assertThat(PmacctTime.parse("2026-02-30 06:01:01")).isEqualTo(-1);
    assertThat(PmacctTime.parse("2026-11-21T07:01:01+01:00")).isEqualTo(1_795_240_861_000L);
    assertThat(PmacctTime.parse("2026-11-21T06:01:01Z")).isEqualTo(1_795_240_861_000L);
    assertThat(PmacctTime.parse("1795240861")).isEqualTo(1_795_240_861_000L);
    assertThat(PmacctTime.parse("1795240861.250000")).isEqualTo(1_795_240_861_250L);
    assertThat(PmacctTime.parse("yesterday")).isEqualTo(-1);
    // Far years parse as text but do not fit milliseconds, or are no flow's time
    assertThat(PmacctTime.parse("+999999999-12-31T23:59:59Z")).isEqualTo(-1);
    assertThat(PmacctTime.parse("-999999999-01-01T00:00:00Z")).isEqualTo(-1);
    assertThat(PmacctTime.parse("+999999999-12-31 00:00:00")).isEqualTo(-1);
    assertThat(PmacctTime.parse("+10000-01-01T00:00:00Z")).isEqualTo(-1);
    assertThat(PmacctTime.parse("1969-12-31T23:59:59Z")).isEqualTo(-1);
    assertThat(PmacctTime.parse("9999-12-31T23:59:59.999Z")).isEqualTo(253_402_300_799_999L);
    assertThat(PmacctTime.parse("")).isEqualTo(-1);
    assertThat(PmacctTime.parse(null)).isEqualTo(-1);
  }

  @Test
  void eventIdsAreTopicPartitionOffsetAndLine() {
    assertThat(EventIds.of("pmacct.flows", 3, 123456789012L, 4))
        .isEqualTo("pmacct.flows:3:123456789012:4");
  }
}
