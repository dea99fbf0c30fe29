package io.flowexporter.asndb;

import com.maxmind.db.CHMCache;
import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.InvalidDatabaseException;
import com.maxmind.db.InvalidNetworkException;
import com.maxmind.db.Metadata;
import com.maxmind.db.Network;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a .mmdb file into an {@link AsnDatabase}. Stateless; one call per load. */
final class AsnDatabaseLoader {

  private static final Logger LOG = LoggerFactory.getLogger(AsnDatabase.class);

  /** Large enough for every distinct record of a real ASN database (~80,000). */
  private static final int DECODER_CACHE_ENTRIES = 1 << 18;

  private AsnDatabaseLoader() {}

  static AsnDatabase load(Path file) throws AsnDatabaseException {
    long startNanos = System.nanoTime();
    checkReadable(file);
    try (Reader reader =
        new Reader(file.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache(DECODER_CACHE_ENTRIES))) {
      return index(file, reader, startNanos);
    } catch (AsnDatabaseException e) {
      throw e;
    } catch (InvalidDatabaseException e) {
      throw new AsnDatabaseException(
          file, "not a valid MaxMind DB (.mmdb) file, or truncated: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new AsnDatabaseException(file, "cannot be read: " + e, e);
    } catch (RuntimeException e) {
      // the networks iterator and decoder report damaged trees and data as runtime exceptions
      throw new AsnDatabaseException(file, "damaged or truncated MaxMind DB file: " + e, e);
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
    Ipv4Ranges.Builder ipv4 = new Ipv4Ranges.Builder();
    Ipv6Ranges.Builder ipv6 = new Ipv6Ranges.Builder();
    AsnNames.Builder names = new AsnNames.Builder();
    RecordShape shape = null;
    int ipv4Networks = 0;
    int ipv6Networks = 0;
    int withoutAsn = 0;
    Map<String, Object> previous = null;
    long asn = -1;
    Networks<Map<String, Object>> networks = networks(reader);
    while (networks.hasNext()) {
      DatabaseRecord<Map<String, Object>> record = networks.next();
      Map<String, Object> data = record.data();
      if (shape == null) {
        shape = shapeOf(file, data);
      }
      if (data != previous) { // the decoder cache hands out one Map per distinct record
        asn = data == null ? -1 : shape.asnIn(data);
        if (asn > 0) {
          names.put(asn, shape.nameIn(data));
        }
        previous = data;
      }
      Network network = record.network();
      boolean isIpv4 = network.ipAddress() instanceof Inet4Address;
      if (isIpv4) {
        ipv4Networks++;
      } else {
        ipv6Networks++;
      }
      if (asn < 0) {
        withoutAsn++;
      } else if (asn > 0) {
        addRange(network, isIpv4, asn, ipv4, ipv6);
      }
    }
    if (shape == null) {
      throw new AsnDatabaseException(file, "holds no networks");
    }
    Ipv4Ranges v4 = ipv4.build();
    AsnDatabase database = new AsnDatabase(
        new DatabaseInfo(
            file,
            metadata.databaseType(),
            metadata.buildEpoch().longValue(),
            shape,
            ipv4Networks,
            ipv6Networks,
            names.size(),
            (System.nanoTime() - startNanos) / 1_000_000),
        v4,
        ipv6.build(v4),
        names.build());
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
    if (withoutAsn > 0) {
      LOG.info("{}: {} networks have no valid AS number and look up as AS 0", file, withoutAsn);
    }
    return database;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Networks<Map<String, Object>> networks(Reader reader) throws IOException {
    try {
      return (Networks) reader.networks(false, Map.class);
    } catch (InvalidNetworkException e) { // only for networksWithin(a bad network): cannot happen
      throw new IllegalStateException(e);
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

  private static void addRange(
      Network network, boolean isIpv4, long asn, Ipv4Ranges.Builder ipv4, Ipv6Ranges.Builder ipv6) {
    byte[] bytes = network.ipAddress().getAddress();
    int prefix = Math.max(0, network.prefixLength());
    if (isIpv4) {
      long address = toLong(bytes, 0, 4);
      long hostMask = prefix >= 32 ? 0 : 0xFFFF_FFFFL >>> prefix;
      long start = address & ~hostMask & 0xFFFF_FFFFL;
      ipv4.add(start, start | hostMask, asn);
      return;
    }
    long hi = toLong(bytes, 0, 8);
    long lo = toLong(bytes, 8, 8);
    long hiHost = prefix >= 64 ? 0 : -1L >>> prefix;
    long loHost = prefix >= 128 ? 0 : prefix <= 64 ? -1L : -1L >>> (prefix - 64);
    ipv6.add(hi & ~hiHost, lo & ~loHost, hi | hiHost, lo | loHost, asn);
  }

  private static long toLong(byte[] bytes, int from, int count) {
    long value = 0;
    for (int i = from; i < from + count; i++) {
      value = (value << 8) | (bytes[i] & 0xFF);
    }
    return value;
  }

}
