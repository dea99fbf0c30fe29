package io.flowexporter.asndb;

/**
 * What the flow topology needs from a country database: the country an address is in, and the
 * English name of a country.
 *
 * <p>Implementations are immutable or atomically swapped and safe to call from any thread. Both
 * methods are on the per-record hot path: they must not allocate, block, or touch the network (no
 * DNS: addresses arrive as text and are parsed, never resolved).
 */
public interface CountryLookup {

  /**
   * The code that stands for "no country": unknown, not in the database, a private or reserved
   * address, or text that is not an address. ISO 3166 keeps ZZ for user use, and MaxMind, DB-IP and
   * IPinfo use it the same way.
   */
  String UNKNOWN = "ZZ";

  /** The name of {@link #UNKNOWN}. */
  String UNKNOWN_NAME = "Unknown";

  /**
   * A lookup that knows no address: every address is {@link #UNKNOWN}; countries (from pmacct's
   * fields) are named in English by the JDK's locale data.
   */
  CountryLookup EMPTY =
      new CountryLookup() {
        @Override
        public String countryOf(String ipAddress) {
          return UNKNOWN;
        }

        @Override
        public String nameOf(String code) {
          return CountryCodes.nameOf(code, CountryCodes.NO_NAMES);
        }
      };

  /**
   * The country an address is in.
   *
   * @param ipAddress an IPv4 dotted quad or an IPv6 address in any RFC 4291 text form, as pmacct
   *     prints {@code ip_src} / {@code ip_dst}; may be null or empty
   * @return the ISO 3166-1 alpha-2 code in upper case ({@code "DE"}), or {@link #UNKNOWN} when the
   *     address is not in the database, is private or reserved (even where the database maps it),
   *     or is not an address; never null
   */
  String countryOf(String ipAddress);

  /**
   * The English name of a country, from the database, for a {@code country_name} label.
   *
   * @param code an ISO 3166-1 alpha-2 code, as {@link #countryOf} returns it (lower case is read as
   *     upper case)
   * @return the name ({@code "Germany"}); {@link #UNKNOWN_NAME} for {@link #UNKNOWN}, null or the
   *     empty string; when the database has no name for the code, the Java runtime's English name,
   *     else the code itself (upper case); the text itself when it is not a code; never null
   */
  String nameOf(String code);
}
