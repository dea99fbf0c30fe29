package io.flowexporter.asndb;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a .mmdb file into an {@link AsnDatabase}: what the AS layouts' records mean, for {@link
 * MmdbLoader}. One instance per load.
 */
final class AsnDatabaseLoader extends MmdbLoader.Indexer<AsnDatabase> {

  private static final Logger LOG = LoggerFactory.getLogger(AsnDatabase.class);

  /** The fields of every AS layout; the others are not decoded. */
  private static final MmdbWalker.Fields FIELDS =
      MmdbWalker.Fields.of(
          "autonomous_system_number", "autonomous_system_organization", "asn", "name", "as_name");

  private final AsnNames.Builder names = new AsnNames.Builder();
  private RecordShape shape;

  private AsnDatabaseLoader() {
    super(FIELDS);
  }

  static AsnDatabase load(Path file) throws AsnDatabaseException {
    return MmdbLoader.load(file, new AsnDatabaseLoader());
  }

  /** The AS number of a record; the shape is that of the first record with an AS field. */
  @Override
  long valueOf(Map<String, Object> record) {
    if (shape == null) {
      shape = RecordShape.asnShapeOf(record);
      if (shape == null) {
        return -1; // no AS number, as asnIn says of later records
      }
    }
    long asn = shape.asnIn(record);
    if (asn > 0) {
      names.put(asn, shape.nameIn(record));
    }
    return asn;
  }

  @Override
  AsnDatabase build(MmdbLoader.Loaded loaded) throws AsnDatabaseException {
    if (shape == null) {
      String found = loaded.fieldNames().isEmpty() ? "no fields" : "fields " + loaded.fieldNames();
      throw new AsnDatabaseException(
          loaded.path(),
          "unknown record shape: found "
              + found
              + "; expected autonomous_system_number/autonomous_system_organization"
              + " (GeoLite2-ASN, DB-IP) or asn/name (IPinfo)");
    }
    AsnNames built = names.build();
    DatabaseInfo info = loaded.info(shape, built.size(), 0);
    loaded.log(LOG, "AS database", info, info.asns(), "ASNs");
    if (loaded.withoutValue() > 0) {
      LOG.info(
          "{}: {} networks have no valid AS number and look up as AS 0",
          loaded.path(),
          loaded.withoutValue());
    }
    return new AsnDatabase(info, loaded.ranges(), built);
  }
}
