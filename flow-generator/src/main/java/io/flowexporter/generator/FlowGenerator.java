package io.flowexporter.generator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Makes pmacct flow records as nfacctd's kafka plugin writes them ({@code kafka_output: json}): a
 * few routers, both directions relative to the operator's AS, peers drawn with a skewed (Zipf-like)
 * spread, and optionally a share of records with AS 0 whose addresses lie in the peers' prefixes,
 * for the exporter's AS-from-IP lookup.
 *
 * <p>Deterministic for a seed. Not thread-safe: one generator per producing thread.
 */
public final class FlowGenerator {

  /** Options of the generated traffic. */
  public record Options(
      long ownAsn,
      String ownPrefixV4,
      int routers,
      double receiveShare,
      double zeroAsShare,
      double ipv6Share,
      long seed) {
    public Options {
      Objects.requireNonNull(ownPrefixV4, "ownPrefixV4");
      if (routers < 1) {
        throw new IllegalArgumentException("routers must be at least 1");
      }
    }
  }

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /**
   * The services flows go to, as protocol and server port, drawn evenly: mostly HTTPS, HTTP, DNS
   * and QUIC, and ICMP, which has no ports (pmacct writes 0).
   */
  private static final String[] PROTOCOLS = {"tcp", "tcp", "tcp", "udp", "udp", "icmp"};

  private static final int[] SERVER_PORTS = {443, 443, 80, 53, 443, 0};

  /** The server ports of the generated flows (the client side is an ephemeral port). */
  public static final List<Integer> SERVICE_PORTS =
      java.util.Arrays.stream(SERVER_PORTS).filter(p -> p > 0).distinct().sorted().boxed().toList();

  /** The operator's IPv6 addresses: the documentation prefix, as the sample databases have it. */
  public static final String OWN_PREFIX_V6 = "2001:db8::/32";

  private final Options options;
  private final List<Peer> peers;
  private final Peer own;
  private final SplittableRandom random;
  private final StringBuilder sb = new StringBuilder(320);

  public FlowGenerator(Options options, List<Peer> peers) {
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("no peers to generate traffic with");
    }
    this.options = options;
    this.peers = List.copyOf(peers);
    // Both families, so that an IPv6 flow has an IPv6 address at both ends, as pmacct writes it.
    this.own = new Peer(options.ownAsn(), "Own", List.of(options.ownPrefixV4(), OWN_PREFIX_V6));
    this.random = new SplittableRandom(options.seed());
  }

  /** The next record, one JSON object without a trailing newline. */
  public String next() {
    Peer peer = peers.get(skewedIndex(peers.size()));
    boolean receive = random.nextDouble() < options.receiveShare();
    boolean zeroAs = random.nextDouble() < options.zeroAsShare() && peer.hasPrefixes();
    boolean v6 = random.nextDouble() < options.ipv6Share() && peer.hasV6();
    Peer src = receive ? peer : own;
    Peer dst = receive ? own : peer;
    int router = random.nextInt(options.routers()) + 1;
    long packets = 1 + (long) (Math.pow(random.nextDouble(), 3) * 200);
    long bytes = packets * (40 + random.nextInt(1461));
    String stamp = STAMP.format(Instant.now());
    int clientPort = 1024 + random.nextInt(64000);
    int service = random.nextInt(PROTOCOLS.length);
    int server = SERVER_PORTS[service];
    int client = server == 0 ? 0 : clientPort;
    sb.setLength(0);
    sb.append("{\"event_type\": \"purge\", \"label\": \"edge")
        .append(router)
        .append("\", \"as_src\": ")
        .append(zeroAs ? 0 : src.asn())
        .append(", \"as_dst\": ")
        .append(zeroAs ? 0 : dst.asn())
        .append(", \"peer_ip_src\": \"10.255.0.")
        .append(router)
        .append("\", \"ip_src\": \"")
        .append(address(src, v6))
        .append("\", \"ip_dst\": \"")
        .append(address(dst, v6))
        .append("\", \"port_src\": ")
        .append(receive ? server : client)
        .append(", \"port_dst\": ")
        .append(receive ? client : server)
        .append(", \"ip_proto\": \"")
        .append(protocol(PROTOCOLS[service], v6))
        .append("\", \"stamp_inserted\": \"")
        .append(stamp)
        .append("\", \"stamp_updated\": \"")
        .append(stamp)
        .append("\", \"packets\": ")
        .append(packets)
        .append(", \"bytes\": ")
        .append(bytes)
        .append(", \"writer_id\": \"default_kafka/4242\"}");
    return sb.toString();
  }

  /** pmacct's name: ICMP over IPv6 is protocol 58, {@code ipv6-icmp}. */
  private static String protocol(String name, boolean v6) {
    return v6 && name.equals("icmp") ? "ipv6-icmp" : name;
  }

  /** Index in 0..n-1, small indexes far more likely: a few peers carry most traffic. */
  private int skewedIndex(int n) {
    return (int) (Math.pow(random.nextDouble(), 2.5) * n);
  }

  private String address(Peer peer, boolean v6) {
    if (!peer.hasPrefixes()) {
      return "198.51.100." + (1 + random.nextInt(254));
    }
    String prefix = peer.pick(random, v6);
    return prefix.contains(":") ? randomV6(prefix) : randomV4(prefix);
  }

  private String randomV4(String cidr) {
    int slash = cidr.indexOf('/');
    String[] octets = cidr.substring(0, slash).split("\\.");
    int len = Integer.parseInt(cidr.substring(slash + 1));
    long base = 0;
    for (String o : octets) {
      base = (base << 8) | Integer.parseInt(o);
    }
    long size = 1L << (32 - len);
    long addr = base + 1 + (size > 2 ? random.nextLong(size - 2) : 0);
    return (addr >> 24 & 255)
        + "."
        + (addr >> 16 & 255)
        + "."
        + (addr >> 8 & 255)
        + "."
        + (addr & 255);
  }

  /**
   * An address inside an IPv6 prefix of /32 or shorter given as {@code a:b::/len} or {@code
   * a::/len}.
   */
  private String randomV6(String cidr) {
    String net = cidr.substring(0, cidr.indexOf("::"));
    if (!net.contains(":")) {
      net = net + ":0";
    }
    return net
        + ":"
        + Integer.toHexString(random.nextInt(0x10000))
        + "::"
        + Integer.toHexString(1 + random.nextInt(0xfffe));
  }

  /** A peer AS and some of its prefixes (may be none: records then carry the AS number only). */
  public record Peer(long asn, String name, List<String> prefixes) {
    public Peer {
      prefixes = List.copyOf(prefixes);
    }

    boolean hasPrefixes() {
      return !prefixes.isEmpty();
    }

    boolean hasV6() {
      return prefixes.stream().anyMatch(p -> p.contains(":"));
    }

    String pick(SplittableRandom random, boolean v6) {
      List<String> candidates = prefixes.stream().filter(p -> p.contains(":") == v6).toList();
      if (candidates.isEmpty()) {
        candidates = prefixes;
      }
      return candidates.get(random.nextInt(candidates.size()));
    }
  }
}
