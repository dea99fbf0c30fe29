package io.flowexporter.asndb;

/**
 * What an {@link AsnDatabase} and a {@link CountryDatabase} share: one loaded, immutable snapshot
 * of a .mmdb file, its ranges indexed for lookups by address text, and what was loaded.
 */
public abstract sealed class MmdbDatabase permits AsnDatabase, CountryDatabase {

  private final DatabaseInfo info;
  final RangeIndex ranges;

  MmdbDatabase(DatabaseInfo info, RangeIndex ranges) {
    this.info = info;
    this.ranges = ranges;
  }

  /** What was loaded: file, type, build time, counts, load time. */
  public DatabaseInfo info() {
    return info;
  }

  /** The heap taken by the index arrays, computed from their lengths. */
  long indexBytes() {
    return ranges.heapBytes();
  }

  int ipv4Ranges() {
    return ranges.ipv4Ranges();
  }

  int ipv6Ranges() {
    return ranges.ipv6Ranges();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + info.path() + ", " + info.type() + "]";
  }
}
