package io.flowexporter.topology;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the topology needs to know, validated once.
 *
 * @param inputTopic the topic pmacct writes to
 * @param ownAsns the operator's AS numbers (at least one, each 1..4294967295)
 * @param asnFromIp when to look AS numbers up from addresses
 * @param defaultSamplingRate multiplier for records without a {@code sampling_rate} above 1
 * @param maxSeries series one family may hold, over all owner partitions ({@code --max-series})
 * @param seriesTtl how long a series without traffic is kept ({@code --series-ttl})
 */
public record TopologyConfig(
    String inputTopic,
    List<Long> ownAsns,
    AsnFromIp asnFromIp,
    long defaultSamplingRate,
    int maxSeries,
    Duration seriesTtl) {

  public static final int DEFAULT_MAX_SERIES = 200_000;
  public static final Duration DEFAULT_SERIES_TTL = Duration.ofDays(30);

  /** With the default bound and expiry. */
  public TopologyConfig(
      String inputTopic, List<Long> ownAsns, AsnFromIp asnFromIp, long defaultSamplingRate) {
    this(
        inputTopic,
        ownAsns,
        asnFromIp,
        defaultSamplingRate,
        DEFAULT_MAX_SERIES,
        DEFAULT_SERIES_TTL);
  }

  public TopologyConfig {
    Objects.requireNonNull(inputTopic, "inputTopic");
    Objects.requireNonNull(asnFromIp, "asnFromIp");
    if (inputTopic.isBlank()) {
      throw new IllegalArgumentException("input topic is empty");
    }
    ownAsns = List.copyOf(ownAsns);
    if (ownAsns.isEmpty()) {
      throw new IllegalArgumentException("at least one own AS number is needed");
    }
    for (long asn : ownAsns) {
      if (asn < 1 || asn > AsnLookup.MAX_ASN) {
        throw new IllegalArgumentException("AS number out of range 1..4294967295: " + asn);
      }
    }
    Objects.requireNonNull(seriesTtl, "seriesTtl");
    if (maxSeries < 1) {
      throw new IllegalArgumentException("max series must be at least 1: " + maxSeries);
    }
    if (seriesTtl.isNegative() || seriesTtl.isZero()) {
      throw new IllegalArgumentException("series TTL must be positive: " + seriesTtl);
    }
    if (defaultSamplingRate < 1) {
      throw new IllegalArgumentException(
          "sampling rate must be at least 1: " + defaultSamplingRate);
    }
  }
}
