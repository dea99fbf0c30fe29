package io.flowexporter.topology.filter;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.flow.Protocols;
import io.flowexporter.topology.series.CountedFlow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which flows a query selects, parsed once: {@code name=value} parameters joined by {@code &}
 * (URL-encoded as in a query string). Different parameters must all hold; a parameter given several
 * times holds when any of its values does ({@code port=80&port=443}: either port).
 *
 * <table>
 *   <caption>Parameters</caption>
 *   <tr><th>parameter<th>value<th>holds when
 *   <tr><td>{@code ip}, {@code src_ip}, {@code dst_ip}<td>IPv4 or IPv6 address<td>either address / {@code ip_src} / {@code ip_dst} is it
 *   <tr><td>{@code net}, {@code src_net}, {@code dst_net}<td>CIDR network<td>either address / the source / the destination lies in it
 *   <tr><td>{@code port}, {@code src_port}, {@code dst_port}<td>0..65535<td>either port / {@code port_src} / {@code port_dst} is it
 *   <tr><td>{@code proto}<td>{@code tcp}, {@code udp}, ... or 0..255<td>{@code ip_proto} is that protocol
 *   <tr><td>{@code as}, {@code src_as}, {@code dst_as}<td>AS number ({@code 64500} or {@code AS64500})<td>either AS / the source / the destination AS (AS 0 resolved from the address when so configured) is it
 *   <tr><td>{@code hostname}<td>text<td>the router is it
 *   <tr><td>{@code country}<td>ISO 3166 two-letter code<td>the remote side is in that country ({@link CountedFlow#remoteCountry()}: pmacct's country fields, else the country database; {@code ZZ} unknown)
 *   <tr><td>{@code direction}<td>{@code receive}, {@code transmit}, {@code unmatched}<td>the flow has that direction
 * </table>
 *
 * <p>Immutable and thread-safe; {@link #matches} allocates only when an address is tested.
 */
public final class FlowFilter {

  /** The empty query: every flow. */
  public static final FlowFilter ALL = new FlowFilter(Map.of(), "");

  /** The parameters of the query syntax. */
  public static final Set<String> PARAMETERS =
      Set.of(
          "ip",
          "src_ip",
          "dst_ip",
          "net",
          "src_net",
          "dst_net",
          "port",
          "src_port",
          "dst_port",
          "proto",
          "as",
          "src_as",
          "dst_as",
          "hostname",
          "country",
          "direction");

  private final IpNetwork[] ip;
  private final IpNetwork[] srcIp;
  private final IpNetwork[] dstIp;
  private final IpNetwork[] net;
  private final IpNetwork[] srcNet;
  private final IpNetwork[] dstNet;
  private final int[] port;
  private final int[] srcPort;
  private final int[] dstPort;
  private final String[] proto;
  private final long[] as;
  private final long[] srcAs;
  private final long[] dstAs;
  private final String[] hostname;
  private final String[] country;
  private final String[] direction;
  private final String query;

  private FlowFilter(Map<String, List<String>> values, String query) {
    this.query = query;
    ip = networks(values, "ip", false);
    srcIp = networks(values, "src_ip", false);
    dstIp = networks(values, "dst_ip", false);
    net = networks(values, "net", true);
    srcNet = networks(values, "src_net", true);
    dstNet = networks(values, "dst_net", true);
    port = ports(values, "port");
    srcPort = ports(values, "src_port");
    dstPort = ports(values, "dst_port");
    proto =
        texts(
            values,
            "proto",
            v -> Protocols.known(v),
            "is not a protocol name pmacct prints (tcp, udp, icmp, gre, esp, sctp, ...) or a number"
                + " 0..255");
    as = asNumbers(values, "as");
    srcAs = asNumbers(values, "src_as");
    dstAs = asNumbers(values, "dst_as");
    hostname = texts(values, "hostname", v -> v.isEmpty() ? null : v, "is empty");
    country =
        texts(
            values,
            "country",
            v ->
                v.length() == 2
                        && Character.isLetter(v.charAt(0))
                        && Character.isLetter(v.charAt(1))
                        && v.chars().allMatch(c -> c < 128)
                    ? v.toUpperCase(Locale.ROOT)
                    : null,
            "is not a two-letter country code");
    direction =
        texts(
            values,
            "direction",
            v -> {
              String d = v.toLowerCase(Locale.ROOT);
              return Set.of("receive", "transmit", "unmatched").contains(d) ? d : null;
            },
            "is not one of receive, transmit, unmatched");
  }

  /**
   * Parses a query such as {@code port=443&proto=tcp&net=192.0.2.0/24}; blank selects every flow.
   *
   * @throws FlowFilterException naming the parameter that is unknown or has a bad value
   */
  public static FlowFilter parse(String query) {
    if (query == null || query.isBlank()) {
      return ALL;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (QueryPair pair : QueryPair.of(query)) {
      String name = pair.name();
      if (!PARAMETERS.contains(name)) {
        throw new FlowFilterException(
            name.isEmpty() ? "(empty)" : name,
            "unknown parameter; known are " + String.join(", ", new TreeSet<>(PARAMETERS)));
      }
      if (!pair.hasValue()) {
        throw new FlowFilterException(name, "has no value (expected " + name + "=...)");
      }
      values.computeIfAbsent(name, k -> new ArrayList<>()).add(pair.value(name).trim());
    }
    return new FlowFilter(values, query.trim());
  }

  /**
   * Whether the query selects only flows that are not the operator's ({@code direction=unmatched}).
   */
  public boolean onlyUnmatched() {
    return direction != null && Arrays.stream(direction).allMatch("unmatched"::equals);
  }

  /** Whether this is the empty query. */
  public boolean selectsAll() {
    return query.isEmpty();
  }

  /**
   * Whether a flow is selected, {@code country} included: the flow's remote country is looked up
   * only when the query names one and every other parameter holds.
   */
  public boolean matches(CountedFlow flow) {
    if (!matchesExceptCountry(
        flow.record(), flow.direction(), flow.sourceAs(), flow.destinationAs())) {
      return false;
    }
    if (country == null) {
      return true;
    }
    if (flow.direction() == null) {
      // Not the operator's flow, so no remote side: either side's, as ip, as and port match.
      return contains(country, flow.sourceCountry())
          || contains(country, flow.destinationCountry());
    }
    return contains(country, flow.remoteCountry());
  }

  /**
   * Whether a flow is selected, without its country: a query that names {@code country} never holds
   * here (use {@link #matches(CountedFlow)}).
   *
   * @param direction null for a flow that is not the operator's ({@code unmatched})
   */
  public boolean matches(FlowRecord r, Direction direction, long sourceAs, long destinationAs) {
    return country == null && matchesExceptCountry(r, direction, sourceAs, destinationAs);
  }

  private boolean matchesExceptCountry(
      FlowRecord r, Direction direction, long sourceAs, long destinationAs) {
    if (direction != null
        && this.direction != null
        && !contains(this.direction, direction == Direction.RECEIVE ? "receive" : "transmit")) {
      return false;
    }
    if (direction == null && this.direction != null && !contains(this.direction, "unmatched")) {
      return false;
    }
    if (port != null && !contains(port, r.portSrc()) && !contains(port, r.portDst())) {
      return false;
    }
    if (srcPort != null && !contains(srcPort, r.portSrc())) {
      return false;
    }
    if (dstPort != null && !contains(dstPort, r.portDst())) {
      return false;
    }
    if (proto != null && !contains(proto, r.protocol())) {
      return false;
    }
    if (as != null && !contains(as, sourceAs) && !contains(as, destinationAs)) {
      return false;
    }
    if (srcAs != null && !contains(srcAs, sourceAs)) {
      return false;
    }
    if (dstAs != null && !contains(dstAs, destinationAs)) {
      return false;
    }
    if (hostname != null && !contains(hostname, r.hostname())) {
      return false;
    }
    if (ip == null
        && srcIp == null
        && dstIp == null
        && net == null
        && srcNet == null
        && dstNet == null) {
      return true;
    }
    byte[] src = IpAddresses.parse(r.ipSrc());
    byte[] dst = IpAddresses.parse(r.ipDst());
    return (ip == null || in(ip, src) || in(ip, dst))
        && (net == null || in(net, src) || in(net, dst))
        && (srcIp == null || in(srcIp, src))
        && (dstIp == null || in(dstIp, dst))
        && (srcNet == null || in(srcNet, src))
        && (dstNet == null || in(dstNet, dst));
  }

  @Override
  public String toString() {
    return query.isEmpty() ? "(all)" : query;
  }

  private static boolean in(IpNetwork[] networks, byte[] address) {
    for (IpNetwork n : networks) {
      if (n.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(int[] values, int v) {
    for (int x : values) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(long[] values, long v) {
    for (long x : values) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(String[] values, String v) {
    for (String x : values) {
      if (x.equals(v)) {
        return true;
      }
    }
    return false;
  }

  private static IpNetwork[] networks(Map<String, List<String>> values, String name, boolean cidr) {
    List<String> texts = values.get(name);
    if (texts == null) {
      return null;
    }
    IpNetwork[] out = new IpNetwork[texts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = IpNetwork.parse(texts.get(i), cidr);
      if (out[i] == null || (!cidr && texts.get(i).indexOf('/') >= 0)) {
        throw new FlowFilterException(
            name,
            "'"
                + texts.get(i)
                + "' is not "
                + (cidr
                    ? "a CIDR network (192.0.2.0/24, 2001:db8::/32)"
                    : "an IPv4 or IPv6 address"));
      }
    }
    return out;
  }

  private static int[] ports(Map<String, List<String>> values, String name) {
    List<String> texts = values.get(name);
    if (texts == null) {
      return null;
    }
    int[] out = new int[texts.size()];
    for (int i = 0; i < out.length; i++) {
      String t = texts.get(i);
      if (t.isEmpty()
          || t.length() > 5
          || !t.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(t) > 65535) {
        throw new FlowFilterException(name, "'" + t + "' is not a port 0..65535");
      }
      out[i] = Integer.parseInt(t);
    }
    return out;
  }

  private static long[] asNumbers(Map<String, List<String>> values, String name) {
    List<String> texts = values.get(name);
    if (texts == null) {
      return null;
    }
    long[] out = new long[texts.size()];
    for (int i = 0; i < out.length; i++) {
      String t = texts.get(i);
      String digits = t.regionMatches(true, 0, "AS", 0, 2) ? t.substring(2) : t;
      if (digits.isEmpty()
          || digits.length() > 10
          || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
          || Long.parseLong(digits) > AsnLookup.MAX_ASN) {
        throw new FlowFilterException(name, "'" + t + "' is not an AS number 0..4294967295");
      }
      out[i] = Long.parseLong(digits);
    }
    return out;
  }

  private interface Check {
    String normalized(String value);
  }

  private static String[] texts(
      Map<String, List<String>> values, String name, Check check, String problem) {
    List<String> texts = values.get(name);
    if (texts == null) {
      return null;
    }
    String[] out = new String[texts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = check.normalized(texts.get(i));
      if (out[i] == null) {
        throw new FlowFilterException(name, "'" + texts.get(i) + "' " + problem);
      }
    }
    return out;
  }
}
