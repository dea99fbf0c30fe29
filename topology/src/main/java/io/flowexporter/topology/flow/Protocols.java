package io.flowexporter.topology.flow;

import java.util.Locale;

/**
 * The one spelling of an IP protocol in labels and documents: the lower-case name pmacct prints for
 * the common protocols ({@code tcp}, {@code udp}, {@code icmp}, ...), else the number in decimal.
 * pmacct writes {@code ip_proto} as a name or, configured so, as a number; both spellings of one
 * protocol must make one series.
 */
public final class Protocols {

  /** Longer {@code ip_proto} text is not a protocol name: refused rather than made a label. */
  static final int MAX_NAME_CHARS = 32;

  private static final String[] NAMES = new String[256];

  static {
    // Names as in pmacct's protocol table (and /etc/protocols).
    NAMES[1] = "icmp";
    NAMES[2] = "igmp";
    NAMES[4] = "ipencap";
    NAMES[6] = "tcp";
    NAMES[17] = "udp";
    NAMES[41] = "ipv6";
    NAMES[47] = "gre";
    NAMES[50] = "esp";
    NAMES[51] = "ah";
    NAMES[58] = "ipv6-icmp";
    NAMES[89] = "ospf";
    NAMES[103] = "pim";
    NAMES[112] = "vrrp";
    NAMES[132] = "sctp";
  }

  private Protocols() {}

  /** The label of protocol number {@code n} (0..255). */
  public static String name(int n) {
    String name = NAMES[n];
    return name != null ? name : Integer.toString(n);
  }

  /**
   * The label of a protocol as pmacct spelled it: lower case; a number in decimal is {@link
   * #name(int)}'s. Null when it cannot be a protocol (empty, too long, a number above 255).
   */
  public static String name(String text) {
    if (text.isEmpty() || text.length() > MAX_NAME_CHARS) {
      return null;
    }
    if (isDigits(text)) {
      int n = text.length() > 3 ? 256 : Integer.parseInt(text);
      return n > 255 ? null : name(n);
    }
    return text.toLowerCase(Locale.ROOT);
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
