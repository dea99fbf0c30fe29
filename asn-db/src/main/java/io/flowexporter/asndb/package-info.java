/**
 * AS numbers and names, and countries, from local MaxMind-format (.mmdb) databases: GeoLite2-ASN,
 * DB-IP ASN Lite or IPinfo's ASN database for ASes; GeoLite2-Country or -City, DB-IP's country or
 * city lite databases for countries; IPinfo Lite for both.
 *
 * <ul>
 *   <li>{@link io.flowexporter.asndb.AsnLookup} and {@link io.flowexporter.asndb.CountryLookup} are
 *       what the rest of the project codes against.
 *   <li>{@link io.flowexporter.asndb.AsnDatabase} and {@link io.flowexporter.asndb.CountryDatabase}
 *       are one loaded, immutable, indexed snapshot.
 *   <li>{@link io.flowexporter.asndb.ReloadingAsnDatabase} and {@link
 *       io.flowexporter.asndb.ReloadingCountryDatabase} follow a file that {@code geoipupdate}
 *       replaces, swapping snapshots atomically ({@link io.flowexporter.asndb.ReloadingDatabase}).
 *   <li>{@link io.flowexporter.asndb.AsnNameOverrides} lets an operator name ASes (private ASNs,
 *       their own) over the database.
 * </ul>
 *
 * <p>A plain library: no Kafka, HTTP or metrics registry. Everything that can go wrong with a file
 * is an {@link io.flowexporter.asndb.AsnDatabaseException} (an {@link java.io.IOException}) whose
 * message names the file. Lookups never resolve names through DNS.
 */
package io.flowexporter.asndb;
