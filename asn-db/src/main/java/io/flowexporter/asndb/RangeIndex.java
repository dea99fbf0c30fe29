package io.flowexporter.asndb;

/**
 * The IPv4 and IPv6 ranges of one database, looked up by address text: what an AS database and a
 * country database share. Immutable; safe from any thread; lookups allocate nothing.
 */
final class RangeIndex {

  private final Ipv4Ranges ipv4;
  private final Ipv6Ranges ipv6;

  /** {@link #ipv6}'s lookup with the private and reserved addresses left out; made once. */
  private final IpText.Ipv6Visitor publicIpv6 = this::findPublicIpv6;

  RangeIndex(Ipv4Ranges ipv4, Ipv6Ranges ipv6) {
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
  }

  /**
   * The value of the range holding an address.
   *
   * @param ipAddress an IPv4 dotted quad or an IPv6 address in any RFC 4291 text form; may be null
   *     or empty
   * @return the value (unsigned 32-bit, held in a long), or 0 when no range holds the address or
   *     the text is not an address
   */
  long find(String ipAddress) {
    return find(ipAddress, false);
  }

  /**
   * {@link #find} for a public address; 0 for a private or reserved one ({@link
   * ReservedAddresses}), whatever the database holds for it. An IPv6 address looked up as IPv4
   * (IPv4-mapped, 6to4, …) is judged by that IPv4 address.
   */
  long findPublic(String ipAddress) {
    return find(ipAddress, true);
  }

  private long find(String ipAddress, boolean publicOnly) {
    if (ipAddress == null || ipAddress.isEmpty()) {
      return 0;
    }
    long value;
    if (ipAddress.indexOf(':') >= 0) {
      value = IpText.parseIpv6(ipAddress, publicOnly ? publicIpv6 : ipv6);
    } else {
      long address = IpText.parseIpv4(ipAddress, 0, ipAddress.length());
      boolean none = address < 0 || (publicOnly && ReservedAddresses.isIpv4(address));
      value = none ? 0 : ipv4.find(address);
    }
    return value < 0 ? 0 : value;
  }

  private long findPublicIpv6(long hi, long lo) {
    if (ReservedAddresses.isIpv6(hi, lo)) {
      return 0;
    }
    long ipv4Address = ipv6.ipv4Of(hi, lo);
    if (ipv4Address < 0) {
      return ipv6.find(hi, lo);
    }
    return ReservedAddresses.isIpv4(ipv4Address) ? 0 : ipv4.find(ipv4Address);
  }

  int ipv4Ranges() {
    return ipv4.size();
  }

  int ipv6Ranges() {
    return ipv6.size();
  }

  /** The heap taken by the range arrays, computed from their lengths. */
  long heapBytes() {
    return ipv4.heapBytes() + ipv6.heapBytes();
  }
}
