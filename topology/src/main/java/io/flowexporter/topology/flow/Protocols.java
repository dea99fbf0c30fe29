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
    // pmacct's protocol table (the names nfacctd prints for ip_proto), in lower case.
    NAMES[1] = "icmp";
    NAMES[2] = "igmp";
    NAMES[3] = "ggp";
    NAMES[4] = "ipencap";
    NAMES[6] = "tcp";
    NAMES[8] = "egp";
    NAMES[9] = "igp";
    NAMES[17] = "udp";
    NAMES[18] = "mux";
    NAMES[41] = "ipv6";
    NAMES[43] = "ipv6-route";
    NAMES[44] = "ipv6-frag";
    NAMES[46] = "rsvp";
    NAMES[47] = "gre";
    NAMES[50] = "esp";
    NAMES[51] = "ah";
    NAMES[55] = "mobile";
    NAMES[56] = "tlsp";
    NAMES[58] = "ipv6-icmp";
    NAMES[59] = "ipv6-nonxt";
    NAMES[60] = "ipv6-opts";
    NAMES[80] = "iso-ip";
    NAMES[83] = "vines";
    NAMES[88] = "eigrp";
    NAMES[89] = "ospf";
    NAMES[91] = "larp";
    NAMES[93] = "ax.25";
    NAMES[94] = "ipip";
    NAMES[98] = "encap";
    NAMES[102] = "pnni";
    NAMES[103] = "pim";
    NAMES[108] = "ipcomp";
    NAMES[111] = "ipx-in-ip";
    NAMES[112] = "vrrp";
    NAMES[115] = "l2tp";
    NAMES[124] = "isis";
    NAMES[132] = "sctp";
    NAMES[133] = "fc";
  }

  private static final java.util.Map<String, Integer> NUMBERS = new java.util.HashMap<>();

  static {
    for (int n = 0; n < NAMES.length; n++) {
      if (NAMES[n] != null) {
        NUMBERS.put(NAMES[n], n);
      }
    }
  }

  private Protocols() {}

  /**
   * Whether a protocol label ({@link #name}'s) is a number, for a protocol pmacct does not name.
   */
  public static boolean isNumber(String label) {
    return !label.isEmpty() && isDigits(label);
  }

  /** The number of a protocol label ({@link #name}'s), or -1 for a name of no known number. */
  public static int number(String label) {
    if (isNumber(label)) {
      return label.length() <= 3 ? Integer.parseInt(label) : -1;
    }
    Integer n = NUMBERS.get(label);
    return n == null ? -1 : n;
  }

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

  /**
   * The label of a protocol given by a person (a filter): a number 0..255, or a name of pmacct's
   * table in any case. Null for anything else, which no flow would ever match.
   */
  public static String known(String text) {
    String label = name(text);
    if (label == null || isDigits(text)) {
      return label;
    }
    for (String n : NAMES) {
      if (label.equals(n)) {
        return label;
      }
    }
    return null;
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
