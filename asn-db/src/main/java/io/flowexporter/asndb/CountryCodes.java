package io.flowexporter.asndb;

import java.util.Locale;

/**
 * ISO 3166-1 alpha-2 codes as small numbers, so that a country index holds a number per range, not
 * a String: AA is 1, AB 2, … ZY 675; ZZ, "no country", is 0. Code strings come from one static
 * table, so turning a number back into a code allocates nothing. Stateless.
 */
final class CountryCodes {

  /** Numbers run from 0 to this, exclusive. */
  static final int COUNT = 26 * 26 + 1;

  /** A name table with no names of its own: every name is the JDK's. */
  static final String[] NO_NAMES = new String[COUNT];

  private static final String[] CODES = new String[COUNT];

  static {
    CODES[0] = CountryLookup.UNKNOWN;
    for (int i = 1; i < COUNT; i++) {
      CODES[i] = new String(new char[] {(char) ('A' + (i - 1) / 26), (char) ('A' + (i - 1) % 26)});
    }
  }

  private CountryCodes() {}

  /**
   * The number of a code: two ASCII letters, either case.
   *
   * @return 1–675, 0 for ZZ, or -1 if the text is not two ASCII letters
   */
  static int numberOf(String code) {
    if (code == null || code.length() != 2) {
      return -1;
    }
    int first = letter(code.charAt(0));
    int second = letter(code.charAt(1));
    if (first < 0 || second < 0) {
      return -1;
    }
    int number = first * 26 + second + 1;
    return number == COUNT - 1 ? 0 : number;
  }

  /** The upper-case code of a number from {@link #numberOf}; ZZ for 0. */
  static String code(int number) {
    return CODES[number];
  }

  /**
   * {@link CountryLookup#nameOf} over a table of names by number.
   *
   * @param names English names by number, null where there is none (then the JDK's English name,
   *     else the code)
   */
  static String nameOf(String code, String[] names) {
    int number = numberOf(code);
    if (number <= 0) {
      return number == 0 || code == null || code.isEmpty() ? CountryLookup.UNKNOWN_NAME : code;
    }
    String name = names[number];
    if (name != null) {
      return name;
    }
    String known = JdkNames.NAMES[number];
    return known != null ? known : CODES[number];
  }

  /**
   * English names from the JDK's locale data (CLDR), for codes a database does not name and for
   * countries that come from pmacct's fields alone. Loaded on first use: a start with a country
   * database that names every country never pays for it.
   */
  private static final class JdkNames {
    static final String[] NAMES = new String[COUNT];

    static {
      for (String code : Locale.getISOCountries()) {
        int number = numberOf(code);
        String name =
            new Locale.Builder().setRegion(code).build().getDisplayCountry(Locale.ENGLISH);
        if (number > 0 && !name.isEmpty() && !name.equals(code)) {
          NAMES[number] = name;
        }
      }
    }
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
