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
   * Present but not a country: what a country field that gives no code reads as, so that a record
   * that carries pmacct's country fields can be told from one that does not (null). The same String
   * as the code {@code ZZ}, which means the same ("no country").
   */
  static final String NOT_GIVEN = CODES[25 * 26 + 25];

  /**
   * The code held in {@code chars[offset..offset+length)}: two ASCII letters in either case, as the
   * shared upper-case String; {@link #NOT_GIVEN} for anything else and for {@code ZZ}, so that
   * pmacct's unknown marker ({@code --}), the empty string and {@code ZZ} all leave the country to
   * the country database.
   */
  static String of(char[] chars, int offset, int length) {
    if (length != 2) {
      return NOT_GIVEN;
    }
    return code(letter(chars[offset]), letter(chars[offset + 1]));
  }

  /** The code held in the ASCII bytes {@code bytes[offset..offset+length)}, as {@link #of}. */
  static String of(byte[] bytes, int offset, int length) {
    if (length != 2) {
      return NOT_GIVEN;
    }
    return code(letter((char) bytes[offset]), letter((char) bytes[offset + 1]));
  }

  private static String code(int first, int second) {
    if (first < 0 || second < 0) {
      return NOT_GIVEN;
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
