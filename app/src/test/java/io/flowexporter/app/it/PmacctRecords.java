package io.flowexporter.app.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Writes pmacct JSON messages for the integration tests and keeps, independently of the exporter's
 * code, the totals they should produce: the direction rule (source AS own → transmit, else
 * destination AS own → receive), sampling, hostname fallback, multi-value messages, markers and
 * invalid messages mixed in.
 */
public final class PmacctRecords {

  public static final long OWN = 64500;
  public static final long OWN_BIG = 4200000001L;
  private static final long[] PEERS = {15169, 13335, 2906, 4294967294L, 174};
  private static final String[] HOSTS = {"edge1", "edge2", "core-1"};

  private final SplittableRandom random;
  public final Traffic expected = new Traffic();
  public long counted;
  public long invalid;

  /** The invalid messages by the reason they must be counted under. */
  public final Map<String, Long> invalidByReason = new TreeMap<>();

  public long markers;
  public long unmatched;
  private Traffic lastMessage = new Traffic();

  /**
   * Whether records vary their addresses, ports and protocol (see {@link #withVariedEndpoints}).
   */
  private final boolean variedEndpoints;

  /**
   * Records whose endpoints are all the same: 198.51.100.1:443 to 203.0.113.9:50000, tcp (the
   * counting tests need nothing more).
   */
  public PmacctRecords(long seed) {
    this(seed, false);
  }

  private PmacctRecords(long seed, boolean variedEndpoints) {
    random = new SplittableRandom(seed);
    this.variedEndpoints = variedEndpoints;
  }

  /**
   * Records that vary, besides the AS numbers, router and volumes: each address (IPv4 or IPv6, in
   * 198.51.100.0/24, 2001:db8:1::/48, 203.0.113.0/24 or 2001:db8:2::/48, a quarter each, the two
   * sides drawn apart), the protocol ({@code ip_proto} "tcp" 40%, 6 20%, "udp" 20%, 17 10%, "icmp"
   * 10%) and the ports (one side a service port, 443, 8443 or 53, the other an ephemeral port from
   * 32768, either way round; both 0 for icmp): for tests whose filters must decide on those.
   */
  public static PmacctRecords withVariedEndpoints(long seed) {
    return new PmacctRecords(seed, true);
  }

  /** The next Kafka message value: usually one record, sometimes several, a marker or garbage. */
  public String nextMessage() {
    lastMessage = new Traffic();
    int kind = random.nextInt(100);
    if (kind < 3) {
      invalid++;
      int which = random.nextInt(5);
      invalidByReason.merge(
          List.of("malformed_json", "not_an_object", "wrong_type", "out_of_range", "missing_bytes")
              .get(which),
          1L,
          Long::sum);
      return switch (which) {
        case 0 -> "{not json";
        case 1 -> "[1,2,3]";
        case 2 -> "{\"as_src\": \"64500\", \"as_dst\": 15169, \"bytes\": 10}";
        case 3 -> "{\"as_src\": 64500, \"as_dst\": 15169, \"bytes\": -5}";
        default -> "{\"as_src\": 64500, \"as_dst\": 15169, \"packets\": 1}";
      };
    }
    if (kind < 5) {
      markers++;
      return "{\"event_type\": \"purge_"
          + (random.nextBoolean() ? "init" : "close")
          + "\", \"writer_id\": \"default_kafka/1\"}";
    }
    if (kind < 15) {
      List<String> lines = new ArrayList<>();
      int n = 2 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        lines.add(record());
      }
      return String.join("\n", lines) + "\n";
    }
    return record();
  }

  /** What the message {@link #nextMessage()} returned last adds to {@link #expected}. */
  public Traffic lastMessage() {
    return lastMessage;
  }

  /** One good record's line, counted in the totals (as counted or unmatched). */
  public String record() {
    long peer = PEERS[random.nextInt(PEERS.length)];
    long own = random.nextInt(4) == 0 ? OWN_BIG : OWN;
    int dir = random.nextInt(10);
    long src = dir < 5 ? peer : dir < 9 ? own : peer;
    long dst = dir < 5 ? own : dir < 9 ? peer : PEERS[(random.nextInt(PEERS.length))];
    long packets = 1 + random.nextInt(50);
    long bytes = packets * (40 + random.nextInt(1460));
    long sampling = random.nextInt(5) == 0 ? 10 : 0;
    String peerIp = "10.0.0." + (1 + random.nextInt(3));
    int labelKind = random.nextInt(10);
    String host =
        labelKind < 7
            ? HOSTS[random.nextInt(HOSTS.length)]
            : labelKind < 9 ? "map-" + HOSTS[random.nextInt(HOSTS.length)] : peerIp;
    String label =
        labelKind < 7
            ? ", \"label\": \"" + host + "\""
            : labelKind < 9
                ? ", \"label\": {\"hostname\": \"" + host + "\", \"site\": \"par\"}"
                : "";
    String direction =
        src == OWN || src == OWN_BIG ? "transmit" : dst == OWN || dst == OWN_BIG ? "receive" : null;
    long factor = sampling > 1 ? sampling : 1;
    if (direction == null) {
      unmatched++;
    } else {
      counted++;
      expected.add(direction, host, src, dst, bytes * factor, packets * factor);
      lastMessage.add(direction, host, src, dst, bytes * factor, packets * factor);
    }
    return "{\"event_type\": \"purge\""
        + label
        + ", \"as_src\": "
        + src
        + ", \"as_dst\": "
        + dst
        + ", \"peer_ip_src\": \""
        + peerIp
        + "\", "
        + (variedEndpoints
            ? variedEndpoints()
            : "\"ip_src\": \"198.51.100.1\", \"ip_dst\": \"203.0.113.9\""
                + ", \"port_src\": 443, \"port_dst\": 50000, \"ip_proto\": \"tcp\"")
        + (sampling > 0 ? ", \"sampling_rate\": " + sampling : "")
        + ", \"packets\": "
        + packets
        + ", \"bytes\": "
        + bytes
        + ", \"writer_id\": \"default_kafka/1\"}";
  }

  private static final int[] SERVICE_PORTS = {443, 8443, 53};

  /** The address, port and protocol fields of {@link #withVariedEndpoints}' records. */
  private String variedEndpoints() {
    String src = address();
    String dst = address();
    int p = random.nextInt(10);
    String proto = p < 4 ? "\"tcp\"" : p < 6 ? "6" : p < 8 ? "\"udp\"" : p < 9 ? "17" : "\"icmp\"";
    int service = SERVICE_PORTS[random.nextInt(SERVICE_PORTS.length)];
    int ephemeral = 32768 + random.nextInt(28000);
    boolean serviceIsSource = random.nextBoolean();
    int srcPort = p == 9 ? 0 : serviceIsSource ? service : ephemeral;
    int dstPort = p == 9 ? 0 : serviceIsSource ? ephemeral : service;
    return "\"ip_src\": \""
        + src
        + "\", \"ip_dst\": \""
        + dst
        + "\", \"port_src\": "
        + srcPort
        + ", \"port_dst\": "
        + dstPort
        + ", \"ip_proto\": "
        + proto;
  }

  private String address() {
    return switch (random.nextInt(4)) {
      case 0 -> "198.51.100." + (1 + random.nextInt(254));
      case 1 -> "2001:db8:1::" + Integer.toHexString(1 + random.nextInt(0xfffe));
      case 2 -> "203.0.113." + (1 + random.nextInt(254));
      default -> "2001:db8:2::" + Integer.toHexString(1 + random.nextInt(0xfffe));
    };
  }

  /**
   * One received flow, from AS 15169 to the exporter's AS {@value #OWN} at router edge1, one
   * packet, as pmacct writes it: for tests that choose each record's endpoints.
   */
  public static String received(
      String src, String dst, int srcPort, int dstPort, String proto, long bytes) {
    return "{\"event_type\":\"purge\",\"label\":\"edge1\",\"as_src\":15169,\"as_dst\":"
        + OWN
        + ",\"ip_src\":\""
        + src
        + "\",\"ip_dst\":\""
        + dst
        + "\",\"port_src\":"
        + srcPort
        + ",\"port_dst\":"
        + dstPort
        + ",\"ip_proto\":\""
        + proto
        + "\",\"bytes\":"
        + bytes
        + ",\"packets\":1}";
  }
}
