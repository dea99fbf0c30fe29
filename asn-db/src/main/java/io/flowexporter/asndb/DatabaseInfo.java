package io.flowexporter.asndb;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What was loaded from an AS or country database file, for logs and for metrics such as {@code
 * flow_exporter_asn_db_info}.
 *
 * @param path the file as given to {@link AsnDatabase#load(Path)} or {@link
 *     CountryDatabase#load(Path)}
 * @param type the metadata {@code database_type}, e.g. {@code GeoLite2-ASN}, {@code
 *     GeoLite2-Country}
 * @param buildEpoch the metadata {@code build_epoch}: when the file was built, in seconds since
 *     1970-01-01T00:00:00Z
 * @param shape the record layout found in the file; {@link RecordShape#kind()} tells an AS database
 *     from a country database
 * @param ipv4Networks IPv4 networks in the file (networks in the IPv6 tree's {@code ::/96} subtree
 *     count here; the {@code ::ffff:0:0/96} alias is not counted twice)
 * @param ipv6Networks IPv6 networks in the file
 * @param asns distinct AS numbers with a name (0 for a country database)
 * @param countries distinct countries (0 for an AS database)
 * @param loadMillis wall-clock milliseconds spent reading the file and building the index
 */
public record DatabaseInfo(
    Path path,
    String type,
    long buildEpoch,
    RecordShape shape,
    int ipv4Networks,
    int ipv6Networks,
    int asns,
    int countries,
    long loadMillis) {

  /** The build time as an instant. */
  public Instant buildTime() {
    return Instant.ofEpochSecond(buildEpoch);
  }
}
