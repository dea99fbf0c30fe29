package io.flowexporter.topology.document;

/** pmacct's MAC addresses in the form ECS recommends. */
final class MacAddresses {

  private MacAddresses() {}

  /**
   * {@code 00:1b:21:3c:4d:5e} (pmacct's form; a hyphen between octets is read too) as {@code
   * 00-1B-21-3C-4D-5E}, ECS's; null for anything else and for {@code 00:00:00:00:00:00}, which
   * pmacct prints when the exporter sent no address.
   */
  static String ecs(String text) {
    if (text.length() != 17) {
      return null;
    }
    char[] out = new char[17];
    boolean zero = true;
    for (int i = 0; i < 17; i++) {
      char c = text.charAt(i);
      if (i % 3 == 2) {
        if (c != ':' && c != '-') {
          return null;
        }
        out[i] = '-';
        continue;
      }
      if (c >= '0' && c <= '9') {
        out[i] = c;
      } else if (c >= 'a' && c <= 'f') {
        out[i] = (char) (c - 'a' + 'A');
      } else if (c >= 'A' && c <= 'F') {
        out[i] = c;
      } else {
        return null;
      }
      zero &= c == '0';
    }
    return zero ? null : new String(out);
  }
}
