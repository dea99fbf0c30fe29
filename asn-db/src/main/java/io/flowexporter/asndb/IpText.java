package io.flowexporter.asndb;

/**
 * Parses IP address text without {@link java.net.InetAddress} (which may resolve names through DNS)
 * and without allocating. Accepts IPv4 dotted quads and every RFC 4291 IPv6 text form: full, {@code
 * ::}-compressed, with an embedded dotted quad ({@code ::ffff:1.2.3.4}) and with a zone suffix
 * ({@code fe80::1%eth0}, ignored). Stateless; safe from any thread.
 */
final class IpText {

  /** Receives a parsed IPv6 address as two 64-bit halves, most significant first. */
  interface Ipv6Visitor {
    long visit(long hi, long lo);
  }

  private IpText() {}

  /**
   * Parses {@code s[from, to)} as a dotted quad.
   *
   * @return the address as an unsigned 32-bit value, or -1 if the text is not a dotted quad
   */
  static long parseIpv4(CharSequence s, int from, int to) {
    long value = 0;
    int parts = 0;
    int i = from;
    while (true) {
      int start = i;
      int octet = 0;
      while (i < to && i - start < 3) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        octet = octet * 10 + (c - '0');
        i++;
      }
      if (i == start || octet > 255) {
        return -1;
      }
      value = (value << 8) | octet;
      parts++;
      if (parts == 4) {
        return i == to ? value : -1;
      }
      if (i >= to || s.charAt(i) != '.') {
        return -1;
      }
      i++;
    }
  }

  /**
   * Parses {@code s} as an IPv6 address and hands it to {@code visitor}.
   *
   * @return what the visitor returned, or -1 if the text is not an IPv6 address
   */
  static long parseIpv6(String s, Ipv6Visitor visitor) {
    int end = s.indexOf('%');
    if (end < 0) {
      end = s.length();
    }
    long beforeHi = 0;
    long beforeLo = 0;
    long afterHi = 0;
    long afterLo = 0;
    int before = 0;
    int after = 0;
    boolean gap = false;
    int i = 0;
    if (end >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
      gap = true;
      i = 2;
    }
    while (i < end) {
      int j = i;
      int group = 0;
      while (j < end && j - i <= 4) {
        int digit = hexDigit(s.charAt(j));
        if (digit < 0) {
          break;
        }
        group = (group << 4) | digit;
        j++;
      }
      long first;
      long second = -1;
      if (j < end && s.charAt(j) == '.') {
        long v4 = parseIpv4(s, i, end);
        if (v4 < 0) {
          return -1;
        }
        first = v4 >>> 16;
        second = v4 & 0xFFFF;
        j = end;
      } else if (j == i || j - i > 4) {
        return -1;
      } else {
        first = group;
      }
      for (long g = first; g >= 0; g = second, second = -1) {
        if (gap) {
          afterHi = (afterHi << 16) | (afterLo >>> 48);
          afterLo = (afterLo << 16) | g;
          after++;
        } else {
          beforeHi = (beforeHi << 16) | (beforeLo >>> 48);
          beforeLo = (beforeLo << 16) | g;
          before++;
        }
      }
      if (before + after > 8) {
        return -1;
      }
      if (j == end) {
        break;
      }
      if (s.charAt(j) != ':') {
        return -1;
      }
      if (j + 1 < end && s.charAt(j + 1) == ':') {
        if (gap) {
          return -1;
        }
        gap = true;
        i = j + 2;
      } else {
        i = j + 1;
        if (i == end) {
          return -1;
        }
      }
    }
    if (!gap) {
      return before == 8 ? visitor.visit(beforeHi, beforeLo) : -1;
    }
    if (before + after > 7) {
      return -1;
    }
    int shift = 16 * (8 - before);
    long hi;
    long lo;
    if (shift >= 128) {
      hi = 0;
      lo = 0;
    } else if (shift >= 64) {
      hi = beforeLo << (shift - 64);
      lo = 0;
    } else {
      hi = (beforeHi << shift) | (beforeLo >>> (64 - shift));
      lo = beforeLo << shift;
    }
    return visitor.visit(hi | afterHi, lo | afterLo);
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1; // not Character.digit: it takes non-ASCII digits too
  }
}
