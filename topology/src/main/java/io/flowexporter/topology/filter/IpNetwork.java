package io.flowexporter.topology.filter;

/**
 * A CIDR network ({@code 192.0.2.0/24}, {@code 2001:db8::/32}); a single address is a network of
 * its full length. Host bits in the text are ignored ({@code 192.0.2.7/24} is {@code
 * 192.0.2.0/24}).
 *
 * @param address the network's address, 4 or 16 bytes
 * @param bits the prefix length
 */
record IpNetwork(byte[] address, int bits) {

  /** The network, or null when the text is not one. */
  static IpNetwork parse(String text, boolean prefixRequired) {
    int slash = text.indexOf('/');
    if (slash < 0 && prefixRequired) {
      return null;
    }
    byte[] address = IpAddresses.parse(slash < 0 ? text : text.substring(0, slash));
    if (address == null) {
      return null;
    }
    int bits = address.length * 8;
    if (slash >= 0) {
      String prefix = text.substring(slash + 1);
      if (prefix.isEmpty()
          || prefix.length() > 3
          || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      bits = Integer.parseInt(prefix);
      if (address.length == 4 && text.substring(0, slash).contains(":")) {
        // An IPv4-mapped IPv6 network (::ffff:192.0.2.0/120): its addresses are read as IPv4
        // ones, as a single such address is, so its prefix counts from the IPv4 part.
        bits -= 96;
        if (bits < 0) {
          return null;
        }
      }
      if (bits > address.length * 8) {
        return null;
      }
    }
    return new IpNetwork(address, bits);
  }

  /** Whether {@code a} (4 or 16 bytes) lies in this network; never across address families. */
  boolean contains(byte[] a) {
    if (a == null || a.length != address.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != address[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (address[full] & mask);
  }
}
