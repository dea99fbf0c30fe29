package io.flowexporter.asndb;

/**
 * Private and reserved addresses: those that are in no country, whatever a database says. Public
 * databases do not list them, but a custom one may (an operator mapping 10.0.0.0/8 to its own
 * country, say), and a flow to a private address must still count as {@link CountryLookup#UNKNOWN}.
 * Works on parsed addresses, so a lookup parses its text once; allocates nothing. Stateless.
 */
final class ReservedAddresses {

  private ReservedAddresses() {}

  /**
   * Whether an IPv4 address is private or reserved: 0.0.0.0/8 ("this network"), 10.0.0.0/8,
   * 100.64.0.0/10 (carrier-grade NAT), 127.0.0.0/8 (loopback), 169.254.0.0/16 (link-local),
   * 172.16.0.0/12, 192.168.0.0/16, and 224.0.0.0/4 (multicast) and everything above it.
   *
   * @param address an unsigned 32-bit address
   */
  static boolean isIpv4(long address) {
    int first = (int) (address >>> 24);
    return first == 0
        || first == 10
        || first == 127
        || first >= 224
        || (address >>> 22) == (100 << 2 | 1) // 100.64/10
        || (address >>> 16) == (169 << 8 | 254) // 169.254/16
        || (address >>> 20) == (172 << 4 | 1) // 172.16/12
        || (address >>> 16) == (192 << 8 | 168); // 192.168/16
  }

  /**
   * Whether an IPv6 address is private or reserved: {@code ::} (unspecified), {@code ::1}
   * (loopback), fc00::/7 (unique local), fe80::/10 (link-local), ff00::/8 (multicast). The IPv4
   * addresses an IPv6 address stands for (IPv4-mapped and the like) are not judged here: a lookup
   * judges the IPv4 address it looks up, with {@link #isIpv4}.
   *
   * @param hi the address's most significant 64 bits
   * @param lo its least significant 64 bits
   */
  static boolean isIpv6(long hi, long lo) {
    return (hi == 0 && (lo == 0 || lo == 1))
        || (hi >>> 57) == (0xfc >>> 1) // fc00::/7
        || (hi >>> 54) == (0xfe80 >>> 6) // fe80::/10
        || (hi >>> 56) == 0xff; // ff00::/8
  }
}
