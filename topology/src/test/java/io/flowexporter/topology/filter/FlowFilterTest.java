package io.flowexporter.topology.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.series.CountedFlow;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowFilterTest {

  private static FlowRecord flow(String src, int srcPort, String dst, int dstPort, String proto) {
    return new FlowRecord(15169, 64500, 100, 1, "edge1", 0, src, dst, srcPort, dstPort, proto, 1);
  }

  private static final FlowRecord V4 = flow("198.51.100.7", 51514, "192.0.2.10", 443, "tcp");
  private static final FlowRecord V6 = flow("2001:db8:1::7", 53, "2001:db8:ffff::1", 40000, "udp");

  private static boolean matches(String query, FlowRecord r) {
    return FlowFilter.parse(query).matches(r, Direction.RECEIVE, r.asSrc(), r.asDst());
  }

  @Test
  void theEmptyQuerySelectsEverything() {
    assertThat(FlowFilter.parse("").selectsAll()).isTrue();
    assertThat(FlowFilter.parse(null)).isSameAs(FlowFilter.ALL);
    assertThat(matches("", V4)).isTrue();
  }

  @Test
  void portsProtocolsAndAsesOnEitherSideOrOne() {
    assertThat(matches("port=443", V4)).isTrue();
    assertThat(matches("port=51514", V4)).isTrue();
    assertThat(matches("port=80", V4)).isFalse();
    assertThat(matches("dst_port=443", V4)).isTrue();
    assertThat(matches("src_port=443", V4)).isFalse();
    assertThat(matches("port=443&proto=tcp", V4)).isTrue();
    assertThat(matches("port=443&proto=udp", V4)).isFalse();
    assertThat(matches("proto=6", V4)).isTrue();
    assertThat(matches("proto=TCP", V4)).isTrue();
    assertThat(matches("as=AS15169", V4)).isTrue();
    assertThat(matches("src_as=64500", V4)).isFalse();
    assertThat(matches("dst_as=64500", V4)).isTrue();
    assertThat(matches("hostname=edge1", V4)).isTrue();
    assertThat(matches("hostname=edge2", V4)).isFalse();
  }

  @Test
  void aRepeatedParameterOrsItsValuesAndDifferentOnesAnd() {
    assertThat(matches("port=80&port=443", V4)).isTrue();
    assertThat(matches("port=80&port=8080", V4)).isFalse();
    assertThat(matches("port=80&port=443&proto=udp", V4)).isFalse();
    assertThat(matches("proto=udp&proto=tcp", V6)).isTrue();
  }

  @Test
  void addressesAndNetworksInIpv4AndIpv6() {
    assertThat(matches("ip=192.0.2.10", V4)).isTrue();
    assertThat(matches("src_ip=192.0.2.10", V4)).isFalse();
    assertThat(matches("net=192.0.2.0/24", V4)).isTrue();
    assertThat(matches("net=192.0.2.7/24", V4)).isTrue(); // host bits ignored
    assertThat(matches("src_net=192.0.2.0/24", V4)).isFalse();
    assertThat(matches("dst_net=192.0.2.8/29", V4)).isTrue();
    assertThat(matches("dst_net=192.0.2.0/29", V4)).isFalse();
    assertThat(matches("net=0.0.0.0/0", V4)).isTrue();
    assertThat(matches("net=::/0", V4)).isFalse(); // never across families
    assertThat(matches("ip=2001:db8:1:0:0:0:0:7", V6)).isTrue();
    assertThat(matches("src_net=2001:db8:1::/48", V6)).isTrue();
    assertThat(matches("dst_net=2001:db8:1::/48", V6)).isFalse();
    assertThat(matches("net=2001:db8::/32&port=53", V6)).isTrue();
    assertThat(matches("ip=%3A%3Affff%3A192.0.2.10", V4)).isTrue(); // URL-encoded, IPv4-mapped
    // an IPv4-mapped network, as its single addresses are, is an IPv4 one
    assertThat(matches("dst_net=::ffff:192.0.2.0/120", V4)).isTrue();
    assertThat(matches("net=::ffff:0:0/96", V4)).isTrue();
    assertThat(matches("net=::ffff:0:0/96", V6)).isFalse();
    assertThat(matches("dst_net=::ffff:192.0.3.0/120", V4)).isFalse();
    // A record whose address is no address (or a name, which is never looked up) matches no
    // address.
    assertThat(matches("ip=192.0.2.10", flow("example.com", 1, "not-an-ip", 2, "tcp"))).isFalse();
  }

  @Test
  void direction() {
    FlowFilter f = FlowFilter.parse("direction=transmit&direction=unmatched");
    assertThat(f.matches(V4, Direction.RECEIVE, 1, 2)).isFalse();
    assertThat(f.matches(V4, Direction.TRANSMIT, 1, 2)).isTrue();
    assertThat(f.matches(V4, null, 1, 2)).isTrue();
    assertThat(FlowFilter.parse("direction=receive").matches(V4, null, 1, 2)).isFalse();
    assertThat(FlowFilter.parse("direction=Transmit").matches(V4, Direction.TRANSMIT, 1, 2))
        .isTrue();
  }

  @Test
  void emptySegmentsOfAQueryAreIgnored() {
    assertThat(matches("&&port=443&", V4)).isTrue();
    assertThat(matches("port=80&&", V4)).isFalse();
  }

  @Test
  void aBadQueryNamesTheParameter() {
    assertBad("colour=red", "colour", "unknown parameter");
    assertBad("port", "port", "no value");
    assertBad("port=https", "port", "'https' is not a port");
    assertBad("port=65536", "port", "0..65535");
    assertBad("dst_port=", "dst_port", "not a port");
    assertBad("net=192.0.2.0/33", "net", "not a CIDR network");
    assertBad("net=192.0.2.0", "net", "not a CIDR network");
    assertBad("src_net=2001:db8::/129", "src_net", "CIDR");
    assertBad("ip=192.0.2.0/24", "ip", "not an IPv4 or IPv6 address");
    assertBad("ip=example.com", "ip", "not an IPv4 or IPv6 address");
    assertBad("ip=256.1.1.1", "ip", "address");
    assertBad("proto=256", "proto", "not a protocol");
    // No flow could match a name pmacct never prints: a typo must not scan for nothing.
    assertBad("proto=foo", "proto", "not a protocol name pmacct prints");
    assertBad("as=AS4294967296", "as", "not an AS number");
    assertBad("src_as=-1", "src_as", "not an AS number");
    assertBad("direction=both", "direction", "receive, transmit, unmatched");
    assertBad("country=FRA", "country", "two-letter");
    assertBad("hostname=", "hostname", "empty");
    assertBad("port=443&=tcp", "(empty)", "unknown parameter");
    assertBad("port=%zz", "port", "%-escape");
    // Text from a dot on is a host name to InetAddress: refused here before it asks DNS.
    assertBad("ip=.:", "ip", "not an IPv4 or IPv6 address");
    assertBad("src_net=.1:2/8", "src_net", "not a CIDR network");
    assertBad("net=::ffff:0:0/95", "net", "not a CIDR network");
  }

  private static void assertBad(String query, String parameter, String problem) {
    assertThatThrownBy(() -> FlowFilter.parse(query))
        .isInstanceOfSatisfying(
            FlowFilterException.class, e -> assertThat(e.parameter()).isEqualTo(parameter))
        .hasMessageContaining(problem);
  }

  @Test
  void countryIsTheRemoteSidesFromPmacctsFields() {
    FlowClassifier classifier =
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
    FlowRecord fromFrance =
        new FlowRecord(
            15169,
            64500,
            100,
            1,
            "edge1",
            0,
            "198.51.100.7",
            "192.0.2.10",
            "FR",
            "DE",
            51514,
            443,
            "tcp",
            1);
    CountedFlow flow = new CountedFlow(classifier).set(fromFrance, Direction.RECEIVE, 15169, 64500);
    assertThat(FlowFilter.parse("country=fr").matches(flow)).isTrue();
    assertThat(FlowFilter.parse("country=DE&country=FR").matches(flow)).isTrue();
    assertThat(FlowFilter.parse("country=DE").matches(flow)).isFalse();
    assertThat(FlowFilter.parse("country=FR&port=80").matches(flow)).isFalse();
    assertThat(
            FlowFilter.parse("country=ZZ")
                .matches(new CountedFlow(classifier).set(V4, Direction.RECEIVE, 15169, 64500)))
        .isTrue();
    // Without the flow's country at hand, a country query holds for nothing.
    assertThat(matches("country=FR", fromFrance)).isFalse();
    // A flow that is not the operator's has no remote side: either side's country, as ip, as and
    // port match either side.
    CountedFlow transit = new CountedFlow(classifier).set(fromFrance, null, 15169, 64501);
    assertThat(FlowFilter.parse("country=FR").matches(transit)).isTrue();
    assertThat(FlowFilter.parse("country=DE").matches(transit)).isTrue();
    assertThat(FlowFilter.parse("country=NL").matches(transit)).isFalse();
  }
}
