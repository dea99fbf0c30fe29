package io.flowexporter.topology.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.flow.FlowRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowClassifierTest {

  private static final AsnLookup ADDRESSES =
      new AsnLookup() {
        private final Map<String, Long> table =
            Map.of("8.8.8.8", 15169L, "192.0.2.1", 64500L, "2001:db8::1", 64500L);

        @Override
        public long asnOf(String ip) {
          return ip == null ? 0 : table.getOrDefault(ip, 0L);
        }

        @Override
        public String nameOf(long asn) {
          return "";
        }
      };

  private final FlowClassifier classifier =
      new FlowClassifier(List.of(64500L, 4200000001L), AsnFromIp.AUTO, 1, ADDRESSES);

  /** The AS labels a record counts under: direction and resolved AS numbers, or null. */
  private record Series(Direction direction, String hostname, long sourceAs, long destinationAs) {}

  private static Series seriesOf(FlowClassifier c, FlowRecord r) {
    long src = c.sourceAs(r);
    long dst = c.destinationAs(r);
    Direction d = c.directionOf(src, dst);
    return d == null ? null : new Series(d, r.hostname(), src, dst);
  }

  private static FlowRecord record(long src, long dst) {
    return new FlowRecord(src, dst, 100, 1, "edge1", 0, "8.8.8.8", "2001:db8::1");
  }

  @Test
  void ownSourceIsTransmitOwnDestinationIsReceive() {
    assertThat(seriesOf(classifier, record(64500, 15169)))
        .isEqualTo(new Series(Direction.TRANSMIT, "edge1", 64500, 15169));
    assertThat(seriesOf(classifier, record(15169, 4200000001L)))
        .isEqualTo(new Series(Direction.RECEIVE, "edge1", 15169, 4200000001L));
  }

  @Test
  void trafficBetweenTwoOwnAsesIsTransmit() {
    assertThat(seriesOf(classifier, record(64500, 4200000001L)).direction())
        .isEqualTo(Direction.TRANSMIT);
  }

  @Test
  void trafficOfOthersIsUnmatched() {
    assertThat(seriesOf(classifier, record(15169, 13335))).isNull();
  }

  @Test
  void asZeroIsLookedUpFromTheAddressesWhenAuto() {
    assertThat(seriesOf(classifier, record(0, 0)))
        .isEqualTo(new Series(Direction.RECEIVE, "edge1", 15169, 64500));
    // A known AS is never replaced.
    assertThat(seriesOf(classifier, record(13335, 0)))
        .isEqualTo(new Series(Direction.RECEIVE, "edge1", 13335, 64500));
  }

  @Test
  void asZeroStaysZeroWithNever() {
    FlowClassifier never = new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, ADDRESSES);
    assertThat(seriesOf(never, record(0, 0))).isNull();
    assertThat(seriesOf(never, record(0, 64500)))
        .isEqualTo(new Series(Direction.RECEIVE, "edge1", 0, 64500));
  }

  @Test
  void samplingUsesTheRecordsRateElseTheDefault() {
    FlowClassifier sampled = new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 64, ADDRESSES);
    assertThat(sampled.samplingRate(new FlowRecord(1, 64500, 1, 1, "h", 1000, null, null)))
        .isEqualTo(1000);
    // 1: unsampled, or already renormalized by pmacct (nfacctd_renormalize): as it is.
    assertThat(sampled.samplingRate(new FlowRecord(1, 64500, 1, 1, "h", 1, null, null)))
        .isEqualTo(1);
    // 0 (pmacct's "unknown") or no field: the default.
    assertThat(sampled.samplingRate(new FlowRecord(1, 64500, 1, 1, "h", 0, null, null)))
        .isEqualTo(64);
  }

  @Test
  void asTransIsLookedUpByAddressLikeAnUnknownAs() {
    // A 4-byte AS in a 2-byte field (NetFlow v5) reads 23456; the address tells the real one.
    assertThat(seriesOf(classifier, record(FlowClassifier.AS_TRANS, FlowClassifier.AS_TRANS)))
        .isEqualTo(new Series(Direction.RECEIVE, "edge1", 15169, 64500));
    FlowRecord unknownAddress =
        new FlowRecord(FlowClassifier.AS_TRANS, 64500, 100, 1, "edge1", 0, "203.0.113.9", "x");
    assertThat(classifier.sourceAs(unknownAddress)).isEqualTo(FlowClassifier.AS_TRANS);
    FlowClassifier never = new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, ADDRESSES);
    assertThat(never.sourceAs(record(FlowClassifier.AS_TRANS, 64500)))
        .isEqualTo(FlowClassifier.AS_TRANS);
  }

  @Test
  void sampledAmountsAreExactOrRefusedPastALong() {
    FlowClassifier sampled = new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 64, ADDRESSES);
    FlowRecord r = new FlowRecord(1, 64500, 1500, 3, "h", 1000, null, null);
    assertThat(sampled.sampledBytes(r)).isEqualTo(1_500_000);
    assertThat(sampled.sampledPackets(r)).isEqualTo(3000);
    FlowRecord huge = new FlowRecord(1, 64500, Long.MAX_VALUE / 10, 1, "h", 0, null, null);
    assertThatThrownBy(() -> sampled.sampledBytes(huge)).isInstanceOf(ArithmeticException.class);
    assertThat(sampled.sampledPackets(huge)).isEqualTo(64);
  }
}
