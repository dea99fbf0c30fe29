package io.flowexporter.asndb;

import java.nio.file.Path;

/**
 * One loaded AS database: an immutable snapshot of a MaxMind-format (.mmdb) file, indexed for fast
 * lookups.
 *
 * <p>{@link #load(Path)} opens the file with maxmind-db's {@code Reader} (metadata), walks its
 * search tree once, decoding each distinct record once, builds its own compact index — sorted
 * primitive arrays of IPv4 and IPv6 ranges searched by binary search, and a primitive hash table of
 * AS number → name with shared name strings — and lets go of the file. Lookups then touch only that
 * index: they do not block, do no I/O, allocate nothing and are safe from any number of threads.
 *
 * <p>Supported record shapes are listed in {@link RecordShape}. Networks whose record has no valid
 * AS number are left out (they look up as AS 0).
 */
public final class AsnDatabase extends MmdbDatabase implements AsnLookup {

  private final AsnNames names;

  AsnDatabase(DatabaseInfo info, RangeIndex ranges, AsnNames names) {
    super(info, ranges);
    this.names = names;
  }

  /**
   * Reads and indexes an AS database, logging at INFO what was loaded.
   *
   * @param file a MaxMind DB file in one of the AS {@link RecordShape}s
   * @throws AsnDatabaseException if the file is missing, unreadable, not a MaxMind DB file,
   *     truncated or damaged, holds no networks, or holds records of an unknown shape; the message
   *     names the file and the problem
   */
  public static AsnDatabase load(Path file) throws AsnDatabaseException {
    return AsnDatabaseLoader.load(file);
  }

  @Override
  public long asnOf(String ipAddress) {
    return ranges.find(ipAddress); // 0, UNKNOWN_ASN, when no range holds it
  }

  @Override
  public String nameOf(long asn) {
    return names.nameOf(asn);
  }

  /**
   * The heap taken by the index arrays, computed from their lengths (12 bytes per IPv4 range, 36
   * per IPv6 range, 16 per hash slot), not counting the name strings.
   */
  @Override
  long indexBytes() {
    return super.indexBytes() + names.heapBytes();
  }
}
