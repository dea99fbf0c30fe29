package io.flowexporter.topology.enrich;

import io.flowexporter.asndb.AsnLookup;
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
 * <p>Immutable and thread-safe, given a thread-safe {@link AsnLookup}.
 */
public final class FlowClassifier {

  private final long[] ownAsns;
  private final AsnFromIp asnFromIp;
  private final long defaultSamplingRate;
  private final AsnLookup asn;

  public FlowClassifier(
      Collection<Long> ownAsns, AsnFromIp asnFromIp, long defaultSamplingRate, AsnLookup asn) {
    this.ownAsns = ownAsns.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    this.asnFromIp = asnFromIp;
    this.defaultSamplingRate = defaultSamplingRate;
    this.asn = asn;
  }

  /** The series the record counts toward, or null when it is not traffic of the operator's. */
  public SeriesKey seriesOf(FlowRecord r) {
    long src = r.asSrc();
    long dst = r.asDst();
    if (asnFromIp == AsnFromIp.AUTO) {
      if (src == 0) {
        src = asn.asnOf(r.ipSrc());
      }
      if (dst == 0) {
        dst = asn.asnOf(r.ipDst());
      }
    }
    if (isOwn(src)) {
      return new SeriesKey(Direction.TRANSMIT, r.hostname(), src, dst);
    }
    if (isOwn(dst)) {
      return new SeriesKey(Direction.RECEIVE, r.hostname(), src, dst);
    }
    return null;
  }

  /** The factor to multiply the record's bytes and packets by. */
  public long samplingRate(FlowRecord r) {
    return r.samplingRate() > 1 ? r.samplingRate() : defaultSamplingRate;
  }

  private boolean isOwn(long as) {
    return as != 0 && Arrays.binarySearch(ownAsns, as) >= 0;
  }
}
