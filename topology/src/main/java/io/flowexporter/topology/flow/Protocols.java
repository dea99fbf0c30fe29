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
    String[][] table = {
      {"1", "icmp"},
      {"2", "igmp"},
      {"3", "ggp"},
      {"4", "ipencap"},
      {"6", "tcp"},
      {"8", "egp"},
      {"9", "igp"},
      {"17", "udp"},
      {"18", "mux"},
      {"41", "ipv6"},
      {"43", "ipv6-route"},
      {"44", "ipv6-frag"},
      {"46", "rsvp"},
      {"47", "gre"},
      {"50", "esp"},
      {"51", "ah"},
      {"55", "mobile"},
      {"56", "tlsp"},
      {"58", "ipv6-icmp"},
      {"59", "ipv6-nonxt"},
      {"60", "ipv6-opts"},
      {"80", "iso-ip"},
      {"83", "vines"},
      {"88", "eigrp"},
      {"89", "ospf"},
      {"91", "larp"},
      {"93", "ax.25"},
      {"94", "ipip"},
      {"98", "encap"},
      {"102", "pnni"},
      {"103", "pim"},
      {"108", "ipcomp"},
      {"111", "ipx-in-ip"},
      {"112", "vrrp"},
      {"115", "l2tp"},
      {"124", "isis"},
      {"132", "sctp"},
      {"133", "fc"},
    };
    for (String[] entry : table) {
      NAMES[Integer.parseInt(entry[0])] = entry[1];
    }
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
