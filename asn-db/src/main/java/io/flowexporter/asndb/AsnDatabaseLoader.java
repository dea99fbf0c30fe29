package io.flowexporter.asndb;

import com.maxmind.db.InvalidDatabaseException;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a .mmdb file into an {@link AsnDatabase}. Stateless; safe from any thread. */
final class AsnDatabaseLoader {

  private static final Logger LOG = LoggerFactory.getLogger(AsnDatabase.class);

  private AsnDatabaseLoader() {}

  static AsnDatabase load(Path file) throws AsnDatabaseException {
    long startNanos = System.nanoTime();
    checkReadable(file);
    // maxmind-db's Reader finds, parses and checks the metadata; MmdbWalker reads the rest
    try (Reader reader = new Reader(file.toFile(), Reader.FileMode.MEMORY_MAPPED)) {
      return index(file, reader, startNanos);
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

  private static void checkReadable(Path file) throws AsnDatabaseException {
    if (Files.isDirectory(file)) {
      throw new AsnDatabaseException(file, "is a directory, not a .mmdb file");
    }
    try {
      Files.newByteChannel(file).close();
    } catch (NoSuchFileException e) {
      throw new AsnDatabaseException(file, "no such file", e);
    } catch (AccessDeniedException e) {
      throw new AsnDatabaseException(file, "cannot be read: permission denied", e);
    } catch (IOException e) {
      throw new AsnDatabaseException(file, "cannot be read: " + e, e);
    }
  }

  private static AsnDatabase index(Path file, Reader reader, long startNanos) throws IOException {
    Metadata metadata = reader.getMetadata();
    // a plain array, not the mapped buffer: the walk runs fast from the first call, before the JIT
    // has compiled ByteBuffer access (the array is garbage once the index is built)
    byte[] bytes = Files.readAllBytes(file);
    MmdbWalker walker =
        new MmdbWalker(bytes, metadata.nodeCount(), metadata.recordSize(), metadata.ipVersion());
    Indexer indexer = new Indexer(file, walker.records());
    try {
      walker.walk(indexer);
    } catch (UnknownShape e) {
      throw e.exception;
    }
    if (indexer.shape == null) {
      throw new AsnDatabaseException(file, "holds no networks");
    }
    Ipv4Ranges v4 = indexer.ipv4.build();
    AsnDatabase database =
        new AsnDatabase(
            new DatabaseInfo(
                file,
                metadata.databaseType(),
                metadata.buildEpoch().longValue(),
                indexer.shape,
                indexer.ipv4Networks,
                indexer.ipv6Networks,
                indexer.names.size(),
                (System.nanoTime() - startNanos) / 1_000_000),
            v4,
            indexer.ipv6.build(v4, walker.aliases()),
            indexer.names.build());
    DatabaseInfo info = database.info();
    LOG.info(
        "Loaded AS database {}: type {}, built {}, {} IPv4 + {} IPv6 networks, {} ASNs, in {} ms",
        file,
        info.type(),
        Instant.ofEpochSecond(info.buildEpoch()),
        info.ipv4Networks(),
        info.ipv6Networks(),
        info.asns(),
        info.loadMillis());
    if (indexer.withoutAsn > 0) {
      LOG.info(
          "{}: {} networks have no valid AS number and look up as AS 0", file, indexer.withoutAsn);
    }
    return database;
  }

  /** Turns the walker's networks into index ranges; AS number and name read once per record. */
  private static final class Indexer implements MmdbWalker.Sink {
    final Ipv4Ranges.Builder ipv4 = new Ipv4Ranges.Builder();
    final Ipv6Ranges.Builder ipv6 = new Ipv6Ranges.Builder();
    final AsnNames.Builder names = new AsnNames.Builder();
    private final Path file;
    private final List<Map<String, Object>> records;
    private long[] asnOfRecord = new long[0]; // -2: not read yet, -1: none
    RecordShape shape;
    int ipv4Networks;
    int ipv6Networks;
    int withoutAsn;

    Indexer(Path file, List<Map<String, Object>> records) {
      this.file = file;
      this.records = records;
    }

    @Override
    public void network(boolean isIpv4, long hi, long lo, int prefix, int record) {
      if (shape == null) {
        try {
          shape = shapeOf(file, records.get(record));
        } catch (AsnDatabaseException e) {
          throw new UnknownShape(e);
        }
      }
      if (record >= asnOfRecord.length) {
        int old = asnOfRecord.length;
        asnOfRecord = Arrays.copyOf(asnOfRecord, Math.max(1024, Math.max(record + 1, old * 2)));
        Arrays.fill(asnOfRecord, old, asnOfRecord.length, -2);
      }
      long asn = asnOfRecord[record];
      if (asn == -2) {
        Map<String, Object> data = records.get(record);
        asn = shape.asnIn(data);
        if (asn > 0) {
          names.put(asn, shape.nameIn(data));
        }
        asnOfRecord[record] = asn;
      }
      if (isIpv4) {
        ipv4Networks++;
      } else {
        ipv6Networks++;
      }
      if (asn < 0) {
        withoutAsn++;
      } else if (asn > 0) {
        addRange(isIpv4, hi, lo, prefix, asn);
      }
    }

    private void addRange(boolean isIpv4, long hi, long lo, int prefix, long asn) {
      if (isIpv4) {
        long hostMask = prefix >= 32 ? 0 : 0xFFFF_FFFFL >>> prefix;
        long start = lo & 0xFFFF_FFFFL & ~hostMask;
        ipv4.add(start, start | hostMask, asn);
        return;
      }
      long hiHost = prefix >= 64 ? 0 : -1L >>> prefix;
      long loHost = prefix >= 128 ? 0 : prefix <= 64 ? -1L : -1L >>> (prefix - 64);
      ipv6.add(hi & ~hiHost, lo & ~loHost, hi | hiHost, lo | loHost, asn);
    }
  }

  /** Carries an unknown-shape error out of the walker's callback. */
  private static final class UnknownShape extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient AsnDatabaseException exception;

    UnknownShape(AsnDatabaseException exception) {
      super(exception.getMessage(), null, false, false);
      this.exception = exception;
    }
  }

  private static RecordShape shapeOf(Path file, Map<String, Object> first)
      throws AsnDatabaseException {
    RecordShape shape = first == null ? null : RecordShape.of(first);
    if (shape == null) {
      String found = first == null ? "no fields" : "fields " + new TreeSet<>(first.keySet());
      throw new AsnDatabaseException(
          file,
          "unknown record shape: found "
              + found
              + "; expected autonomous_system_number/autonomous_system_organization"
              + " (GeoLite2-ASN, DB-IP) or asn/name (IPinfo)");
    }
    return shape;
  }
}
