package io.flowexporter.topology.flow;

/**
 * The fields of one pmacct flow record that flow-exporter uses; every other field is ignored.
 *
 * @param asSrc {@code as_src}, 0 when pmacct did not know it or the field is absent
 * @param asDst {@code as_dst}, 0 when unknown or absent
 * @param bytes {@code bytes} as pmacct reports it, before sampling is applied
 * @param packets {@code packets} as reported, 0 when absent
 * @param hostname the router: {@code label} (a string, or a value taken from the map that {@code
 *     pre_tag_label_encode_as_map} produces), else {@code peer_ip_src}, else ""
 * @param samplingRate {@code sampling_rate}, 0 when absent
 * @param ipSrc {@code ip_src} as text, or null
 * @param ipDst {@code ip_dst} as text, or null
 * @param countryIpSrc {@code country_ip_src} (pmacct's {@code src_host_country}) as an upper-case
 *     ISO 3166-1 alpha-2 code; {@code ZZ} when the field is there without a code (empty, pmacct's
 *     unknown marker {@code --}, {@code ZZ}, or anything that is not two ASCII letters); null when
 *     the record has no such field (or it is JSON null)
 * @param countryIpDst {@code country_ip_dst}, like {@code countryIpSrc}
 * @param portSrc {@code port_src}, 0 when absent
 * @param portDst {@code port_dst}, 0 when absent
 * @param protocol {@code ip_proto} as {@link Protocols#name} makes it ({@code tcp}, {@code udp}, or
 *     the number), "" when absent
 * @param flows {@code flows} (pmacct's flows primitive), 1 when absent: a record without it is one
 *     flow
 */
public record FlowRecord(
    long asSrc,
    long asDst,
    long bytes,
    long packets,
    String hostname,
    long samplingRate,
    String ipSrc,
    String ipDst,
    String countryIpSrc,
    String countryIpDst,
    int portSrc,
    int portDst,
    String protocol,
    long flows) {

  /** A record without pmacct's country fields, ports, protocol or flows field (one flow). */
  public FlowRecord(
      long asSrc,
      long asDst,
      long bytes,
      long packets,
      String hostname,
      long samplingRate,
      String ipSrc,
      String ipDst) {
    this(asSrc, asDst, bytes, packets, hostname, samplingRate, ipSrc, ipDst, null, null);
  }

  /** A record with pmacct's country fields, without ports, protocol or flows field (one flow). */
  public FlowRecord(
      long asSrc,
      long asDst,
      long bytes,
      long packets,
      String hostname,
      long samplingRate,
      String ipSrc,
      String ipDst,
      String countryIpSrc,
      String countryIpDst) {
    this(
        asSrc,
        asDst,
        bytes,
        packets,
        hostname,
        samplingRate,
        ipSrc,
        ipDst,
        countryIpSrc,
        countryIpDst,
        0,
        0,
        "",
        1);
  }

  /** A record with ports, protocol and flows, without pmacct's country fields. */
  public FlowRecord(
      long asSrc,
      long asDst,
      long bytes,
      long packets,
      String hostname,
      long samplingRate,
      String ipSrc,
      String ipDst,
      int portSrc,
      int portDst,
      String protocol,
      long flows) {
    this(
        asSrc,
        asDst,
        bytes,
        packets,
        hostname,
        samplingRate,
        ipSrc,
        ipDst,
        null,
        null,
        portSrc,
        portDst,
        protocol,
        flows);
  }
}
