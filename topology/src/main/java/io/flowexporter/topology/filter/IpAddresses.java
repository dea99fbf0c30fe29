package io.flowexporter.topology.filter;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address text to bytes (4 for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address is its IPv4
 * address), never through DNS: {@link InetAddress#getByName} is only called on text with a colon,
 * which it parses as an IPv6 literal or refuses, and dotted quads are parsed here.
 */
public final class IpAddresses {

  private IpAddresses() {}

  /** The address, or null when the text is not an IPv4 or IPv6 address. */
  public static byte[] parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (text.indexOf(':') < 0) {
      return parseIpv4(text);
    }
    int zone = text.indexOf('%');
    String literal = zone < 0 ? text : text.substring(0, zone);
    // InetAddress parses text as a literal only when it starts with a hex digit or a colon; from a
    // dot on, it would ask DNS (".:" is a host name to it).
    if (literal.indexOf(':') < 0 || literal.charAt(0) == '.') {
      return null;
    }
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (!(c == ':'
          || c == '.'
          || (c >= '0' && c <= '9')
          || (c >= 'a' && c <= 'f')
          || (c >= 'A' && c <= 'F'))) {
        return null;
      }
    }
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] parseIpv4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else if (c == '.' && value >= 0 && part < 4) {
        out[part++] = (byte) value;
        value = -1;
        digits = 0;
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }
}
