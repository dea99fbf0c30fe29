package io.flowexporter.topology.enrich;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.flow.FlowRecord;
import java.util.Arrays;
import java.util.Collection;

/**
 * Decides which series a flow record counts toward, and by how much.
 *
 * <p>The direction rule: a record whose source AS is one of the operator's own is <b>transmit</b>;
 * otherwise one whose destination AS is one of them is <b>receive</b>; anything else is not the
 * operator's traffic (unmatched). With {@link AsnFromIp#AUTO}, an AS of 0 is first replaced by the
 * AS database's answer for the record's address, and the rule applies to the result.
 *
 * <p>Sampling: bytes and packets are multiplied by the record's {@code sampling_rate} when it is
 * above 1, else by the configured default rate.
 *
 * <p>The remote side's country: for receive traffic the source address's, for transmit the
 * destination's. pmacct's {@code country_ip_src} / {@code country_ip_dst} win where the record has
 * them; otherwise the country database answers, {@link CountryLookup#UNKNOWN} when it does not
 * know.
 *
 * <p>Immutable and thread-safe, given a thread-safe {@link AsnLookup} and {@link CountryLookup}.
 */
public final class FlowClassifier {

  private final long[] ownAsns;
  private final AsnFromIp asnFromIp;
  private final long defaultSamplingRate;
  private final AsnLookup asn;
  private final CountryLookup countries;

  /** Without a country database: countries come from pmacct's fields only. */
  public FlowClassifier(
      Collection<Long> ownAsns, AsnFromIp asnFromIp, long defaultSamplingRate, AsnLookup asn) {
    this(ownAsns, asnFromIp, defaultSamplingRate, asn, CountryLookup.EMPTY);
  }

  public FlowClassifier(
      Collection<Long> ownAsns,
      AsnFromIp asnFromIp,
      long defaultSamplingRate,
      AsnLookup asn,
      CountryLookup countries) {
    this.ownAsns = ownAsns.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    this.asnFromIp = asnFromIp;
    this.defaultSamplingRate = defaultSamplingRate;
    this.asn = asn;
    this.countries = countries;
  }

  /** AS_TRANS (RFC 6793): where a 2-byte AS field stands for a 4-byte AS it cannot hold. */
  public static final long AS_TRANS = 23456;

  /**
   * The record's source AS; with {@link AsnFromIp#AUTO}, an AS of 0 (unknown) or {@link #AS_TRANS}
   * (a 4-byte AS in a 2-byte field, as NetFlow v5 carries them) is looked up by address, and kept
   * when the address is in no network of the database.
   */
  public long sourceAs(FlowRecord r) {
    return resolved(r.asSrc(), r.ipSrc());
  }

  /** The record's destination AS, looked up like {@link #sourceAs}. */
  public long destinationAs(FlowRecord r) {
    return resolved(r.asDst(), r.ipDst());
  }

  private long resolved(long as, String ip) {
    if (asnFromIp != AsnFromIp.AUTO || (as != 0 && as != AS_TRANS)) {
      return as;
    }
    long found = asn.asnOf(ip);
    return found != 0 ? found : as;
  }

  /** The direction rule on resolved AS numbers; null when neither is the operator's. */
  public Direction directionOf(long sourceAs, long destinationAs) {
    if (isOwn(sourceAs)) {
      return Direction.TRANSMIT;
    }
    if (isOwn(destinationAs)) {
      return Direction.RECEIVE;
    }
    return null;
  }

  /**
   * The factor to multiply the record's bytes and packets by: the record's {@code sampling_rate},
   * or the default when it has none. pmacct writes 0 for a rate it does not know and 1 for traffic
   * it counted unsampled or already renormalized ({@code nfacctd_renormalize}), which must not be
   * multiplied again.
   */
  public long samplingRate(FlowRecord r) {
    return r.samplingRate() >= 1 ? r.samplingRate() : defaultSamplingRate;
  }

  /**
   * The record's bytes with sampling applied.
   *
   * @throws ArithmeticException past a long: the record is out of range, not counted
   */
  public long sampledBytes(FlowRecord r) {
    return Math.multiplyExact(r.bytes(), samplingRate(r));
  }

  /**
   * The record's packets with sampling applied.
   *
   * @throws ArithmeticException past a long: the record is out of range, not counted
   */
  public long sampledPackets(FlowRecord r) {
    return Math.multiplyExact(r.packets(), samplingRate(r));
  }

  /**
   * The country of the remote side of a counted record: an upper-case ISO 3166-1 alpha-2 code, or
   * {@link CountryLookup#UNKNOWN}; never null. Allocates nothing.
   */
  public String remoteCountry(FlowRecord r, Direction direction) {
    boolean receive = direction == Direction.RECEIVE;
    return receive ? sourceCountry(r) : destinationCountry(r);
  }

  /** The source address's country: pmacct's {@code country_ip_src}, else the database's. */
  public String sourceCountry(FlowRecord r) {
    return given(r.countryIpSrc()) ? r.countryIpSrc() : countries.countryOf(r.ipSrc());
  }

  /** The destination address's country: pmacct's {@code country_ip_dst}, else the database's. */
  public String destinationCountry(FlowRecord r) {
    return given(r.countryIpDst()) ? r.countryIpDst() : countries.countryOf(r.ipDst());
  }

  /** Whether pmacct gave a country: the field is there and names one. */
  private static boolean given(String pmacctCountry) {
    return pmacctCountry != null && !CountryLookup.UNKNOWN.equals(pmacctCountry);
  }

  /** Whether {@code as} is one of the operator's own AS numbers. */
  public boolean isOwn(long as) {
    return as != 0 && Arrays.binarySearch(ownAsns, as) >= 0;
  }
}
