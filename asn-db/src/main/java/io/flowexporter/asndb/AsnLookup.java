package io.flowexporter.asndb;

/**
 * What the flow topology needs from an AS database: the AS that announces an address, and the name
 * of an AS.
 *
 * <p>Implementations are immutable or atomically swapped and safe to call from any thread. Both
 * methods are on the per-record hot path: they must not allocate much, block, or touch the network
 * (no DNS: addresses arrive as text and are parsed, never resolved).
 */
public interface AsnLookup {

  /** An AS number that stands for "unknown"; pmacct uses it when it has no BGP data either. */
  long UNKNOWN_ASN = 0L;

  /** The largest AS number: AS numbers are unsigned 32-bit (RFC 6793). */
  long MAX_ASN = 0xFFFF_FFFFL;

  /** A lookup that knows nothing: every address is AS 0 and every AS has an empty name. */
  AsnLookup EMPTY =
      new AsnLookup() {
        @Override
        public long asnOf(String ipAddress) {
          return UNKNOWN_ASN;
        }

        @Override
        public String nameOf(long asn) {
          return "";
        }
      };

  /**
   * The AS announcing an address.
   *
   * @param ipAddress an IPv4 dotted quad or an IPv6 address in any RFC 4291 text form, as pmacct
   *     prints {@code ip_src} / {@code ip_dst}; may be null or empty
   * @return the AS number (unsigned 32-bit, held in a long), or {@link #UNKNOWN_ASN} when the
   *     address is not in the database or is not an address
   */
  long asnOf(String ipAddress);

  /**
   * The organisation name of an AS, for the {@code source_as_name} / {@code destination_as_name}
   * labels.
   *
   * @return the name, or the empty string when the AS is unknown; never null
   */
  String nameOf(long asn);
}
