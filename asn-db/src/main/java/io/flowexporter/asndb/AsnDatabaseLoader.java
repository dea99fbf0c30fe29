package io.flowexporter.asndb;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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

  private final Path file;
  private final AsnNames.Builder names = new AsnNames.Builder();
  private RecordShape shape;

  private AsnDatabaseLoader(Path file) {
    this.file = file;
  }

  static AsnDatabase load(Path file) throws AsnDatabaseException {
    return MmdbLoader.load(file, new AsnDatabaseLoader(file));
  }

  @Override
  MmdbWalker.Fields fields() {
    return FIELDS;
  }

  /** The AS number of a record; the shape is decided from the first record. */
  @Override
  long valueOf(Map<String, Object> record, Set<String> fieldNames) throws AsnDatabaseException {
    if (shape == null) {
      shape = RecordShape.asnShapeOf(record);
      if (shape == null) {
        String found = fieldNames.isEmpty() ? "no fields" : "fields " + new TreeSet<>(fieldNames);
        throw new AsnDatabaseException(
            file,
            "unknown record shape: found "
                + found
                + "; expected autonomous_system_number/autonomous_system_organization"
                + " (GeoLite2-ASN, DB-IP) or asn/name (IPinfo)");
      }
    }
    long asn = shape.asnIn(record);
    if (asn > 0) {
      names.put(asn, shape.nameIn(record));
    }
    return asn;
  }

  @Override
  AsnDatabase build(MmdbLoader.Loaded loaded) {
    AsnNames built = names.build();
    DatabaseInfo info = loaded.info(shape, built.size(), 0);
    loaded.log(LOG, "AS database", info, info.asns(), "ASNs");
    if (loaded.withoutValue() > 0) {
      LOG.info(
          "{}: {} networks have no valid AS number and look up as AS 0",
          file,
          loaded.withoutValue());
    }
    return new AsnDatabase(info, loaded.ranges(), built);
  }
}
