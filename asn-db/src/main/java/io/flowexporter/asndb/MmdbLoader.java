package io.flowexporter.asndb;

import com.maxmind.db.InvalidDatabaseException;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;

/**
 * Reads a .mmdb file into one kind of database: checks that the file can be read, lets maxmind-db's
 * {@code Reader} find and check the metadata, walks the search tree with {@link MmdbWalker} and
 * builds the {@link RangeIndex}. What the records mean is the kind's {@link Indexer}'s. Every
 * failure is an {@link AsnDatabaseException} naming the file. Stateless; safe from any thread.
 */
final class MmdbLoader {

  private MmdbLoader() {}

  /** What one kind of database makes of a file's records. A new one for each load. */
  abstract static class Indexer<T> {

    /** The fields to decode of each record. */
    final MmdbWalker.Fields fields;

    Indexer(MmdbWalker.Fields fields) {
      this.fields = fields;
    }

    /**
     * The value of a record's networks in the index. Called once per distinct record, in the order
     * the walk meets them.
     *
     * @return above 0: the networks are indexed with this value (an unsigned 32-bit number); 0:
     *     they are left out and look up as unknown; -1: the record has no valid value, and its
     *     networks are left out and counted in {@link Loaded#withoutValue()}
     */
    abstract long valueOf(Map<String, Object> record);

    /**
     * The database, from a file walked and indexed.
     *
     * @throws AsnDatabaseException if the file is not of this kind: none of its records had this
     *     kind's fields
     */
    abstract T build(Loaded loaded) throws AsnDatabaseException;
  }

  /**
   * A file walked and indexed.
   *
   * @param fieldNames the top-level fields of the file's records, sorted
   * @param withoutValue networks whose record had no valid value ({@link Indexer#valueOf} -1)
   */
  record Loaded(
      Path path,
      String type,
      long buildEpoch,
      RangeIndex ranges,
      int ipv4Networks,
      int ipv6Networks,
      int withoutValue,
      Set<String> fieldNames,
      long startNanos) {

    /** What was loaded, the load time counted up to now. */
    DatabaseInfo info(RecordShape shape, int asns, int countries) {
      return new DatabaseInfo(
          path,
          type,
          buildEpoch,
          shape,
          ipv4Networks,
          ipv6Networks,
          asns,
          countries,
          (System.nanoTime() - startNanos) / 1_000_000);
    }

    /** Logs the load at INFO: "Loaded {what} {file}: type …, built …, networks, {count} {noun}". */
    void log(Logger log, String what, DatabaseInfo info, int count, String noun) {
      log.info(
          "Loaded {} {}: type {}, built {}, {} IPv4 + {} IPv6 networks, {} {}, in {} ms",
          what,
          path,
          info.type(),
          info.buildTime(),
          info.ipv4Networks(),
          info.ipv6Networks(),
          count,
          noun,
          info.loadMillis());
    }
  }

  /** Attempts at reading a file that another process keeps replacing meanwhile. */
  private static final int READ_ATTEMPTS = 3;

  static <T> T load(Path file, Indexer<T> indexer) throws AsnDatabaseException {
    long startNanos = System.nanoTime();
    checkReadable(file);
    // maxmind-db's Reader finds, parses and checks the metadata; MmdbWalker reads the rest
    try {
      // The metadata and the bytes are read by two opens of the path: a file renamed over it in
      // between (geoipupdate, curl && mv) would pair one file's tree size with the other's bytes.
      // So the file must be the same one (inode, size, time) before and after; else read again.
      for (int attempt = 1; ; attempt++) {
        FileState before = FileState.of(file);
        try (Reader reader = openReader(file)) {
          Metadata metadata = reader.getMetadata();
          byte[] bytes = Files.readAllBytes(file);
          if (before.equals(FileState.of(file))) {
            return indexer.build(index(file, metadata, bytes, indexer, startNanos));
          }
        }
        if (attempt == READ_ATTEMPTS) {
          throw new AsnDatabaseException(
              file, "was replaced while being read, " + READ_ATTEMPTS + " times in a row");
        }
      }
    } catch (AsnDatabaseException e) {
      throw e;
    } catch (InvalidDatabaseException e) {
      throw new AsnDatabaseException(
          file, "not a valid MaxMind DB (.mmdb) file, or truncated: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new AsnDatabaseException(file, "cannot be read: " + e, e);
    } catch (RuntimeException e) {
      // MmdbWalker and maxmind-db report damaged trees and data as runtime exceptions
      String what = e instanceof IllegalStateException ? e.getMessage() : e.toString();
      throw new AsnDatabaseException(file, "damaged or truncated MaxMind DB file: " + what, e);
    }
  }

  /**
   * maxmind-db's {@code Reader}, which decodes the metadata as it opens. Its decoder follows
   * pointers without a bound, so metadata with a pointer that leads back to itself recurses until
   * the stack overflows (found by MmdbFuzzTest). That error is caught here, right around the
   * constructor: the stack is unwound by then and nothing it built outlives it (no reader was
   * returned), so the file is refused like any other damaged one.
   */
  private static Reader openReader(Path file) throws IOException {
    try {
      return new Reader(file.toFile(), Reader.FileMode.MEMORY_MAPPED);
    } catch (StackOverflowError e) {
      throw new AsnDatabaseException(
          file, "damaged MaxMind DB file: its metadata holds a pointer loop", e);
    }
  }

  private static void checkReadable(Path file) throws AsnDatabaseException {
    if (Files.isDirectory(file)) {
      throw new AsnDatabaseException(file, "is a directory, not a .mmdb file");
    }
    try {
      Files.newByteChannel(file).close();
    } catch (IOException e) {
      throw cannotOpen(file, e);
    }
  }

  /** Why {@code file} could not be opened, in the words of the refusal. */
  static AsnDatabaseException cannotOpen(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new AsnDatabaseException(file, "no such file", e);
    }
    if (e instanceof AccessDeniedException) {
      return new AsnDatabaseException(file, "cannot be read: permission denied", e);
    }
    return new AsnDatabaseException(file, "cannot be read: " + e, e);
  }

  /**
   * Indexes the file's {@code bytes}: a plain array, not the mapped buffer, so that the walk runs
   * fast from the first call, before the JIT has compiled ByteBuffer access (the array is garbage
   * once the index is built).
   */
  private static Loaded index(
      Path file, Metadata metadata, byte[] bytes, Indexer<?> indexer, long startNanos)
      throws IOException {
    MmdbWalker walker =
        new MmdbWalker(
            bytes,
            metadata.nodeCount(),
            metadata.recordSize(),
            metadata.ipVersion(),
            indexer.fields);
    Walk walk = new Walk(indexer);
    walker.walk(walk);
    if (walker.recordCount() == 0) {
      throw new AsnDatabaseException(file, "holds no networks");
    }
    Ipv4Ranges v4 = walk.ipv4.build();
    return new Loaded(
        file,
        metadata.databaseType(),
        metadata.buildEpoch().longValue(),
        new RangeIndex(v4, walk.ipv6.build(v4, walker.aliases())),
        walk.ipv4Networks,
        walk.ipv6Networks,
        walk.withoutValue,
        new TreeSet<>(walker.fieldNames()),
        startNanos);
  }

  /** Turns the walker's networks into index ranges; each record's value is worked out once. */
  private static final class Walk implements MmdbWalker.Sink {
    final Ipv4Ranges.Builder ipv4 = new Ipv4Ranges.Builder();
    final Ipv6Ranges.Builder ipv6 = new Ipv6Ranges.Builder();
    private final Indexer<?> indexer;
    private long[] valueOfRecord = new long[1024];
    int ipv4Networks;
    int ipv6Networks;
    int withoutValue;

    Walk(Indexer<?> indexer) {
      this.indexer = indexer;
    }

    @Override
    public void record(int record, Map<String, Object> data) {
      if (record >= valueOfRecord.length) {
        valueOfRecord = Arrays.copyOf(valueOfRecord, Math.max(record + 1, record * 2));
      }
      valueOfRecord[record] = indexer.valueOf(data);
    }

    @Override
    public void network(boolean isIpv4, long hi, long lo, int prefix, int record) {
      long value = valueOfRecord[record];
      if (isIpv4) {
        ipv4Networks++;
      } else {
        ipv6Networks++;
      }
      if (value < 0) {
        withoutValue++;
      } else if (value > 0) {
        addRange(isIpv4, hi, lo, prefix, value);
      }
    }

    private void addRange(boolean isIpv4, long hi, long lo, int prefix, long value) {
      if (isIpv4) {
        long hostMask = prefix >= 32 ? 0 : 0xFFFF_FFFFL >>> prefix;
        long start = lo & 0xFFFF_FFFFL & ~hostMask;
        ipv4.add(start, start | hostMask, value);
        return;
      }
      long hiHost = prefix >= 64 ? 0 : -1L >>> prefix;
      long loHost = prefix >= 128 ? 0 : prefix <= 64 ? -1L : -1L >>> (prefix - 64);
      ipv6.add(hi & ~hiHost, lo & ~loHost, hi | hiHost, lo | loHost, value);
    }
  }
}
