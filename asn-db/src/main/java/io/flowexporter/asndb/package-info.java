/**
 * AS numbers and names from a local MaxMind-format (.mmdb) database: GeoLite2-ASN, DB-IP ASN
 * Lite or IPinfo's ASN database.
 *
 * <ul>
 *   <li>{@link io.flowexporter.asndb.AsnLookup} is what the rest of the project codes against.
 *   <li>{@link io.flowexporter.asndb.AsnDatabase} is one loaded, immutable, indexed snapshot.
 *   <li>{@link io.flowexporter.asndb.ReloadingAsnDatabase} follows a file that {@code
 *       geoipupdate} replaces, swapping snapshots atomically.
 *   <li>{@link io.flowexporter.asndb.AsnNameOverrides} lets an operator name ASes (private ASNs,
 *       their own) over the database.
 * </ul>
 *
 * <p>A plain library: no Kafka, HTTP or metrics registry. Everything that can go wrong with a file
 * is an {@link io.flowexporter.asndb.AsnDatabaseException} (an {@link java.io.IOException}) whose
 * message names the file. Lookups never resolve names through DNS.
 */
package io.flowexporter.asndb;
