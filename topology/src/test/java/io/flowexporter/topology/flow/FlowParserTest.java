package io.flowexporter.topology.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FlowParserTest {

  /** A pmacct 1.7.7 nfacctd record as its kafka plugin writes it (kafka_output: json). */
  static final String NFACCTD_RECORD =
      "{\"event_type\": \"purge\", \"label\": \"edge1\", \"as_src\": 15169, \"as_dst\": 64500, "
          + "\"peer_ip_src\": \"10.0.0.1\", \"ip_src\": \"8.8.8.8\", \"ip_dst\": \"192.0.2.10\", "
          + "\"port_src\": 443, \"port_dst\": 51514, \"ip_proto\": \"tcp\", "
          + "\"stamp_inserted\": \"2026-11-21 06:00:00\", \"stamp_updated\": \"2026-11-21 06:01:01\", "
          + "\"packets\": 12, \"bytes\": 9000, \"writer_id\": \"default_kafka/12345\"}";

  private final FlowParser parser = new FlowParser();

  /** Collects what the parser reports. */
  static class Collected implements ParseListener {
    final List<FlowRecord> records = new ArrayList<>();
    final List<InvalidReason> invalid = new ArrayList<>();
    final List<String> samples = new ArrayList<>();
    int markers;

    @Override
    public void record(FlowRecord record) {
      records.add(record);
    }

    @Override
    public void marker() {
      markers++;
    }

    @Override
    public void invalid(InvalidReason reason, String sample) {
      invalid.add(reason);
      samples.add(sample);
    }
  }

  private Collected parse(String message) {
    Collected c = new Collected();
    parser.parse(message.getBytes(StandardCharsets.UTF_8), c);
    return c;
  }

  @Test
  void readsTheFieldsOfAnNfacctdRecordAndIgnoresTheRest() {
    Collected c = parse(NFACCTD_RECORD);
    assertThat(c.invalid).isEmpty();
    assertThat(c.records)
        .containsExactly(
            new FlowRecord(
                15169, 64500, 9000, 12, "edge1", 0, "8.8.8.8", "192.0.2.10", 443, 51514, "tcp", 1));
  }

  @Test
  void readsPortsProtocolAndFlowsAndCountsARecordWithoutFlowsAsOne() {
    FlowRecord r =
        parse(NFACCTD_RECORD.replace("\"packets\"", "\"flows\": 3, \"packets\"")).records.get(0);
    assertThat(r.portSrc()).isEqualTo(443);
    assertThat(r.portDst()).isEqualTo(51514);
    assertThat(r.protocol()).isEqualTo("tcp");
    assertThat(r.flows()).isEqualTo(3);
    assertThat(parse(NFACCTD_RECORD).records.get(0).flows()).isEqualTo(1);
    assertThat(parse("{\"bytes\": 1, \"flows\": 0}").records.get(0).flows()).isZero();
    FlowRecord bare = parse("{\"bytes\": 1}").records.get(0);
    assertThat(bare.portSrc()).isZero();
    assertThat(bare.portDst()).isZero();
    assertThat(bare.protocol()).isEmpty();
  }

  @Test
  void theProtocolIsOneLabelWhetherPmacctWritesItsNameOrItsNumber() {
    assertThat(protocolOf("\"udp\"")).isEqualTo("udp");
    assertThat(protocolOf("\"TCP\"")).isEqualTo("tcp");
    assertThat(protocolOf("6")).isEqualTo("tcp");
    assertThat(protocolOf("17")).isEqualTo("udp");
    assertThat(protocolOf("\"17\"")).isEqualTo("udp");
    assertThat(protocolOf("58")).isEqualTo("ipv6-icmp");
    assertThat(protocolOf("253")).isEqualTo("253");
    assertThat(protocolOf("0")).isEqualTo("0");
    assertThat(protocolOf("\"ipv6-icmp\"")).isEqualTo("ipv6-icmp");
  }

  private String protocolOf(String json) {
    Collected c = parse("{\"bytes\": 1, \"ip_proto\": " + json + "}");
    assertThat(c.invalid).isEmpty();
    return c.records.get(0).protocol();
  }

  @Test
  void refusesBadPortsProtocolsAndFlows() {
    assertThat(parse("{\"bytes\": 1, \"port_src\": 65536}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"port_dst\": -1}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"port_dst\": \"443\"}").invalid)
        .containsExactly(InvalidReason.WRONG_TYPE);
    assertThat(parse("{\"bytes\": 1, \"port_src\": 65535}").invalid).isEmpty();
    assertThat(parse("{\"bytes\": 1, \"ip_proto\": 256}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"ip_proto\": \"256\"}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"ip_proto\": \"\"}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"ip_proto\": \"" + "p".repeat(33) + "\"}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"ip_proto\": \"x\\ud800\"}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"ip_proto\": true}").invalid)
        .containsExactly(InvalidReason.WRONG_TYPE);
    assertThat(parse("{\"bytes\": 1, \"flows\": -2}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"flows\": 1.5}").invalid)
        .containsExactly(InvalidReason.WRONG_TYPE);
  }

  @Test
  void readsPmacctsCountryFieldsAndIgnoresUnknownOrInvalidOnes() {
    String base = NFACCTD_RECORD.substring(0, NFACCTD_RECORD.lastIndexOf('}'));
    assertThat(parse(base + ", \"country_ip_src\": \"US\", \"country_ip_dst\": \"de\"}").records)
        .containsExactly(
            new FlowRecord(
                15169,
                64500,
                9000,
                12,
                "edge1",
                0,
                "8.8.8.8",
                "192.0.2.10",
                "US",
                "DE",
                443,
                51514,
                "tcp",
                1));
    for (String unknown :
        new String[] {
          "\"\"",
          "\"--\"",
          "\"ZZ\"",
          "\"zz\"",
          "\"U1\"",
          "\"USA\"",
          "\"É\u00c9\"",
          "7",
          "{\"iso_code\": \"US\"}",
          "[\"US\"]"
        }) {
      Collected c =
          parse(
              base + ", \"country_ip_src\": " + unknown + ", \"country_ip_dst\": " + unknown + "}");
      assertThat(c.invalid).as(unknown).isEmpty();
      // There, without a country: ZZ, which leaves the country to the database
      assertThat(c.records)
          .as(unknown)
          .containsExactly(
              new FlowRecord(
                  15169,
                  64500,
                  9000,
                  12,
                  "edge1",
                  0,
                  "8.8.8.8",
                  "192.0.2.10",
                  "ZZ",
                  "ZZ",
                  443,
                  51514,
                  "tcp",
                  1));
    }
    // JSON null is no field at all, as elsewhere
    Collected c = parse(base + ", \"country_ip_src\": null, \"country_ip_dst\": null}");
    assertThat(c.records)
        .containsExactly(
            new FlowRecord(
                15169, 64500, 9000, 12, "edge1", 0, "8.8.8.8", "192.0.2.10", 443, 51514, "tcp", 1));
  }

  @Test
  void readsEveryLineOfAMultiValueMessage() {
    String second =
        NFACCTD_RECORD.replace("\"bytes\": 9000", "\"bytes\": 1").replace("edge1", "edge2");
    Collected c = parse(NFACCTD_RECORD + "\n" + second + "\n\n");
    assertThat(c.records).extracting(FlowRecord::bytes).containsExactly(9000L, 1L);
    assertThat(c.records).extracting(FlowRecord::hostname).containsExactly("edge1", "edge2");
  }

  @Test
  void aBadLineDoesNotLoseTheGoodLinesAroundIt() {
    Collected c = parse(NFACCTD_RECORD + "\n{broken\n" + NFACCTD_RECORD);
    assertThat(c.records).hasSize(2);
    assertThat(c.invalid).containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(c.samples).containsExactly("{broken");
  }

  @Test
  void aFailureOfTheListenerIsNotCountedAsAnInvalidRecord() {
    Collected c =
        new Collected() {
          @Override
          public void record(FlowRecord record) {
            throw new IllegalStateException("store broken");
          }
        };
    assertThatThrownBy(() -> parser.parse(NFACCTD_RECORD.getBytes(StandardCharsets.UTF_8), c))
        .hasMessage("store broken");
    assertThat(c.invalid).isEmpty();
  }

  @Test
  void hostnameFallsBackToThePeerAddressWhenTheLabelIsEmptyOrAbsent() {
    assertThat(
            parse(NFACCTD_RECORD.replace("\"label\": \"edge1\", ", "")).records.get(0).hostname())
        .isEqualTo("10.0.0.1");
    assertThat(parse(NFACCTD_RECORD.replace("\"edge1\"", "\"\"")).records.get(0).hostname())
        .isEqualTo("10.0.0.1");
    assertThat(parse("{\"bytes\": 1}").records.get(0).hostname()).isEmpty();
  }

  @Test
  void aLabelMapGivesItsHostnameEntryOrItsOnlyValueOrAllEntries() {
    assertThat(hostOf("{\"site\": \"par\", \"hostname\": \"edge7\"}")).isEqualTo("edge7");
    assertThat(hostOf("{\"router\": \"edge8\"}")).isEqualTo("edge8");
    assertThat(hostOf("{\"site\": \"par\", \"rack\": \"r1\"}")).isEqualTo("site=par,rack=r1");
  }

  private String hostOf(String labelJson) {
    Collected c = parse(NFACCTD_RECORD.replace("\"edge1\"", labelJson));
    assertThat(c.invalid).isEmpty();
    return c.records.get(0).hostname();
  }

  @Test
  void purgeMarkersAreNotTraffic() {
    Collected c =
        parse(
            "{\"event_type\": \"purge_init\", \"writer_id\": \"default_kafka/1\"}\n"
                + "{\"event_type\": \"purge_close\", \"writer_id\": \"default_kafka/1\", \"purged_entries\": 10}");
    assertThat(c.markers).isEqualTo(2);
    assertThat(c.records).isEmpty();
    assertThat(c.invalid).isEmpty();
  }

  @Test
  void eventRecordsWithoutCountersAreNotTrafficNorInvalid() {
    // A NetFlow NAT event as nfacctd writes it: an event type, addresses, no bytes nor packets.
    Collected nat =
        parse(
            "{\"event_type\": \"purge\", \"peer_ip_src\": \"192.0.2.1\", \"ip_src\": \"10.0.0.5\","
                + " \"ip_dst\": \"198.51.100.9\", \"post_nat_ip_src\": \"203.0.113.7\", \"nat_event\": 1}");
    assertThat(nat.markers).isEqualTo(1);
    assertThat(nat.invalid).isEmpty();
    // Without an event type, or with packets but no bytes, a line is still invalid.
    assertThat(parse("{\"ip_src\": \"10.0.0.5\"}").invalid)
        .containsExactly(InvalidReason.MISSING_BYTES);
    assertThat(parse("{\"event_type\": \"purge\", \"packets\": 1}").invalid)
        .containsExactly(InvalidReason.MISSING_BYTES);
  }

  @Test
  void readsSamplingRateAndAsNumbersAboveTwoToThe31() {
    FlowRecord r =
        parse(
                "{\"as_src\": 4294967295, \"as_dst\": 4200000001, \"bytes\": 5, \"packets\": 1, \"sampling_rate\": 1000}")
            .records
            .get(0);
    assertThat(r.asSrc()).isEqualTo(4294967295L);
    assertThat(r.asDst()).isEqualTo(4200000001L);
    assertThat(r.samplingRate()).isEqualTo(1000);
  }

  @Test
  void nullFieldsCountAsAbsent() {
    FlowRecord r =
        parse("{\"as_src\": null, \"label\": null, \"bytes\": 5, \"packets\": null}")
            .records
            .get(0);
    assertThat(r.asSrc()).isZero();
    assertThat(r.packets()).isZero();
  }

  @Test
  void refusesBadRecordsWithAReason() {
    assertThat(parse("not json").invalid).containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("[1, 2]").invalid).containsExactly(InvalidReason.NOT_AN_OBJECT);
    assertThat(parse("\"text\"").invalid).containsExactly(InvalidReason.NOT_AN_OBJECT);
    assertThat(parse("{\"bytes\": \"12\"}").invalid).containsExactly(InvalidReason.WRONG_TYPE);
    assertThat(parse("{\"bytes\": 1.5}").invalid).containsExactly(InvalidReason.WRONG_TYPE);
    assertThat(parse("{\"bytes\": 1, \"as_src\": \"AS1\"}").invalid)
        .containsExactly(InvalidReason.WRONG_TYPE);
    assertThat(parse("{\"bytes\": 1, \"label\": 7}").invalid)
        .containsExactly(InvalidReason.WRONG_TYPE);
    assertThat(parse("{\"packets\": 1}").invalid).containsExactly(InvalidReason.MISSING_BYTES);
    assertThat(parse("{\"bytes\": -1}").invalid).containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1125899906842625}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 99999999999999999999999}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"as_dst\": 4294967296}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    String longName = "r".repeat(256);
    assertThat(parse("{\"bytes\": 1, \"label\": \"" + longName + "\"}").invalid)
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1, \"label\": \"" + longName.substring(1) + "\"}").invalid)
        .isEmpty();
    // A lone surrogate cannot be written as UTF-8; a pair (here U+1F600) is an ordinary character.
    assertThat(parse("{\"bytes\": 1, \"label\": \"edge\\ud800x\"}").invalid)
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("{\"bytes\": 1, \"label\": \"edge\\udc00\"}").invalid)
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("{\"bytes\": 1, \"peer_ip_src\": \"\\ud83d\"}").invalid)
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("{\"bytes\": 1, \"label\": \"edge\\ud83d\\ude00\"}").records)
        .extracting(FlowRecord::hostname)
        .containsExactly("edge\ud83d\ude00");
    assertThat(parse("{\"bytes\": 1}{\"bytes\": 2}").invalid)
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("").invalid).containsExactly(InvalidReason.MALFORMED_JSON);
  }

  @Test
  void refusesMessagesOverOneMebibyteUnread() {
    String big = "{\"bytes\": 1, \"pad\": \"" + "x".repeat(FlowParser.MAX_MESSAGE_BYTES) + "\"}";
    Collected c = parse(big);
    assertThat(c.invalid).containsExactly(InvalidReason.TOO_LARGE);
    assertThat(c.samples.get(0)).hasSizeLessThan(300);
  }

  @Test
  void findsTheFirstNewlineAtEveryPositionAndAlignment() {
    SplittableRandom random = new SplittableRandom(7);
    for (int len = 0; len < 40; len++) {
      for (int trial = 0; trial < 200; trial++) {
        byte[] buf = new byte[len];
        for (int i = 0; i < len; i++) {
          // Bytes near '\n' (0x0A) and with the high bit set, where word tricks go wrong.
          int pick = random.nextInt(8);
          buf[i] =
              (byte)
                  (pick == 0
                      ? '\n'
                      : pick == 1
                          ? 0x0B
                          : pick == 2 ? 0x8A : pick == 3 ? 0x09 : random.nextInt(256));
        }
        for (int from = 0; from <= len; from++) {
          int expected = len;
          for (int i = from; i < len; i++) {
            if (buf[i] == '\n') {
              expected = i;
              break;
            }
          }
          assertThat(FlowParser.indexOfNewline(buf, from))
              .as("len %d from %d", len, from)
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void parsesEachLineOfAMultiLineMessageOnItsOwn() {
    String good =
        "{\"as_src\": 64500, \"as_dst\": 15169, \"bytes\": 1500, \"packets\": 3, \"label\": \"edge1\"}";
    String message = good + "\n{\"bytes\": \n" + good + "\r\n  \n" + good.replace("edge1", "edge2");
    List<String> seen = new ArrayList<>();
    new FlowParser()
        .parse(
            message.getBytes(StandardCharsets.UTF_8),
            new ParseListener() {
              @Override
              public void record(FlowRecord r) {
                seen.add(r.hostname() + " " + r.bytes());
              }

              @Override
              public void marker() {
                seen.add("marker");
              }

              @Override
              public void invalid(InvalidReason reason, String sample) {
                seen.add(reason.name());
              }
            });
    assertThat(seen).containsExactly("edge1 1500", "MALFORMED_JSON", "edge1 1500", "edge2 1500");
  }

  /** Bytes as they come from Kafka, not necessarily UTF-8. */
  private Collected parseBytes(byte[] message) {
    Collected c = new Collected();
    parser.parse(message, c);
    return c;
  }

  private static byte[] concat(String before, byte[] middle, String after) {
    byte[] a = before.getBytes(StandardCharsets.UTF_8);
    byte[] c = after.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[a.length + middle.length + c.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(middle, 0, out, a.length, middle.length);
    System.arraycopy(c, 0, out, a.length + middle.length, c.length);
    return out;
  }

  @Test
  void malformedRecordsOfEveryKindAreCountedUnderTheirReason() {
    byte[] nul = {0};
    byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3};
    assertThat(parseBytes(concat("{\"bytes\": 1, \"label\": \"a", nul, "b\"}")).invalid)
        .as("a raw NUL in a string")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parseBytes(concat("{\"bytes\": 1", nul, "}")).invalid)
        .as("a NUL between tokens")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parseBytes(concat("{\"bytes\": 1, \"writer_id\": \"a", nul, "\"}")).invalid)
        .as("a raw NUL in a field nobody reads")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parseBytes(concat("{\"bytes\": 1, \"label\": \"", notUtf8, "\"}")).invalid)
        .as("non-UTF-8 in the label")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parseBytes(concat("{\"bytes\": 1, \"writer_id\": \"", notUtf8, "\"}")).invalid)
        .as("non-UTF-8 in a field nobody reads")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parseBytes(concat("{\"bytes\": 1, \"", notUtf8, "\": 2}")).invalid)
        .as("non-UTF-8 in a field name")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("{\"bytes\": 1, \"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}").invalid)
        .as("nesting deeper than Jackson's limit")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("{\"bytes\": 1e400}").invalid)
        .as("a float")
        .containsExactly(InvalidReason.WRONG_TYPE);
    assertThat(parse("{\"bytes\": 123456789012345678901234567890}").invalid)
        .as("beyond a long")
        .containsExactly(InvalidReason.OUT_OF_RANGE);
    assertThat(parse("{\"bytes\": 1" + "0".repeat(2000) + "}").invalid)
        .as("a number of 2001 digits")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("{\"bytes\": 1, \"label\": \"\\ud800\"}").invalid)
        .as("an unpaired surrogate")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("{\"bytes\": 1} trailing").invalid)
        .as("text after the object")
        .containsExactly(InvalidReason.MALFORMED_JSON);
    assertThat(parse("\"just a string\"").invalid).containsExactly(InvalidReason.NOT_AN_OBJECT);
  }

  @Test
  void aFieldReadTwiceInOneRecordIsADuplicateAndNotGuessedAt() {
    for (String field :
        List.of(
            "bytes",
            "packets",
            "as_src",
            "as_dst",
            "sampling_rate",
            "label",
            "peer_ip_src",
            "event_type",
            "ip_src",
            "ip_dst",
            "country_ip_src",
            "country_ip_dst",
            "port_src",
            "port_dst",
            "ip_proto",
            "flows")) {
      String value =
          field.startsWith("as_")
                  || field.startsWith("port_")
                  || field.equals("bytes")
                  || field.equals("packets")
                  || field.equals("sampling_rate")
                  || field.equals("flows")
              ? "1"
              : field.equals("ip_proto") ? "\"tcp\"" : "\"x\"";
      Collected c =
          parse(
              "{\"bytes\": 5, \"" + field + "\": " + value + ", \"" + field + "\": " + value + "}");
      assertThat(c.invalid).as(field).containsExactly(InvalidReason.DUPLICATE_FIELD);
    }
    // Fields nobody reads may repeat, and so may the keys inside a label map.
    assertThat(parse("{\"bytes\": 5, \"tos\": 1, \"tos\": 2}").records).hasSize(1);
    // A null counts as the field being there: a later value is still a duplicate.
    assertThat(parse("{\"bytes\": null, \"bytes\": 5}").invalid)
        .containsExactly(InvalidReason.DUPLICATE_FIELD);
  }

  @Test
  void aTruncatedMultiValueMessageCountsItsCompleteLines() {
    String message =
        NFACCTD_RECORD + "\n" + NFACCTD_RECORD + "\n" + NFACCTD_RECORD.substring(0, 100);
    Collected c = parse(message);
    assertThat(c.records).hasSize(2);
    assertThat(c.invalid).containsExactly(InvalidReason.MALFORMED_JSON);
  }

  @Test
  void aLineInAnotherFieldOrderThanTheLastReadsTheSameAsOnAFreshParser() {
    String reordered =
        "{\"bytes\": 9000, \"packets\": 12, \"as_dst\": 64500, \"as_src\": 15169, \"label\": \"edge1\", "
            + "\"ip_proto\": \"tcp\", \"port_dst\": 51514, \"port_src\": 443, \"ip_dst\": \"192.0.2.10\", "
            + "\"ip_src\": \"8.8.8.8\", \"event_type\": \"purge\"}";
    // Names the order guess would match by their first bytes, or only once unescaped.
    String lookalikes = "{\"bytes_x\": 5, \"byte\": 6, \"by\\u0074es\": 7, \"packets\": 1}";
    String fewer = "{\"bytes\": 3}";
    List<String> lines =
        List.of(
            NFACCTD_RECORD,
            reordered,
            lookalikes,
            NFACCTD_RECORD,
            fewer,
            reordered,
            NFACCTD_RECORD);
    for (String line : lines) {
      Collected fresh = new Collected();
      new FlowParser().parse(line.getBytes(StandardCharsets.UTF_8), fresh);
      Collected used = parse(line);
      assertThat(used.records).as(line).isEqualTo(fresh.records);
      assertThat(used.invalid).as(line).isEqualTo(fresh.invalid);
    }
    assertThat(parse(lookalikes).records.get(0).bytes()).isEqualTo(7);
    assertThat(parse(NFACCTD_RECORD + "\n" + reordered + "\n" + NFACCTD_RECORD).records)
        .hasSize(3)
        .allSatisfy(r -> assertThat(r).isEqualTo(parse(NFACCTD_RECORD).records.get(0)));
  }

  @Test
  void aLineReadByJacksonReadsTheSameWhateverLinesCameBefore() {
    // Invalid UTF-8 in a name: Jackson pads names with 0xFF bytes, and a table of names kept from
    // line to line would match this one with the "bytes" of the line before.
    byte[] first = "{\"bytes\": 1}\n".getBytes(StandardCharsets.US_ASCII);
    byte[] second = {'{', '"', 'b', 'y', 't', 'e', -1, -1, -1, 's', '"', ':', ' ', '5', '}'};
    byte[] message = new byte[first.length + second.length];
    System.arraycopy(first, 0, message, 0, first.length);
    System.arraycopy(second, 0, message, first.length, second.length);
    for (FlowParser p : List.of(new FlowParser(), new FlowParser(false))) {
      Collected alone = new Collected();
      p.parse(second, alone);
      Collected after = new Collected();
      p.parse(message, after);
      assertThat(alone.invalid).containsExactly(InvalidReason.MALFORMED_JSON);
      assertThat(after.records).hasSize(1);
      assertThat(after.invalid).isEqualTo(alone.invalid);
    }
  }

  @Test
  void threadsSharingAParserOverLinesOfDifferentOrdersGetEveryRecordRight() throws Exception {
    String reordered =
        "{\"packets\": 2, \"as_dst\": 64500, \"bytes\": 100, \"label\": \"edge2\", \"as_src\": 13335}";
    FlowRecord a = parse(NFACCTD_RECORD).records.get(0);
    FlowRecord b = parse(reordered).records.get(0);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      boolean first = t % 2 == 0;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 20_000; i++) {
                    boolean useA = first == (i % 3 != 0);
                    Collected c = parse(useA ? NFACCTD_RECORD : reordered);
                    assertThat(c.records).containsExactly(useA ? a : b);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
  }
}
