package io.flowexporter.topology.flow;

/**
 * Country codes as pmacct writes them ({@code country_ip_src}, {@code country_ip_dst}), read
 * without allocating: each valid code maps to one shared upper-case String. Stateless.
 */
final class CountryCodes {

  private static final String[] CODES = new String[26 * 26];

  static {
    for (int i = 0; i < CODES.length; i++) {
      CODES[i] = new String(new char[] {(char) ('A' + i / 26), (char) ('A' + i % 26)});
    }
  }

  private CountryCodes() {}

  /**
   * The code held in {@code chars[offset..offset+length)}: two ASCII letters in either case, as the
   * shared upper-case String; null for anything else and for {@code ZZ} ("no country"), so that
   * pmacct's unknown marker ({@code --}), the empty string and {@code ZZ} all leave the country to
   * the country database.
   */
  static String of(char[] chars, int offset, int length) {
    if (length != 2) {
      return null;
    }
    return code(letter(chars[offset]), letter(chars[offset + 1]));
  }

  /** The code held in the ASCII bytes {@code bytes[offset..offset+length)}, as {@link #of}. */
  static String of(byte[] bytes, int offset, int length) {
    if (length != 2) {
      return null;
    }
    return code(letter((char) bytes[offset]), letter((char) bytes[offset + 1]));
  }

  private static String code(int first, int second) {
    if (first < 0 || second < 0 || (first == 25 && second == 25)) {
      return null;
    }
    return CODES[first * 26 + second];
  }

  private static int letter(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    return -1;
  }
}
