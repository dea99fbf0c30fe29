package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.enrich.SeriesKey;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The state-store and changelog format of {@link SeriesTotalsStore}: the series of a partition
 * grouped into {@value #COUNT} buckets by a hash of their key, one store entry per bucket.
 *
 * <ul>
 *   <li>key: the bucket number, 4 bytes big-endian;
 *   <li>value: a format byte ({@value #VERSION}), then for each series of the bucket: the length
 *       of its key (4 bytes), the key ({@link SeriesKey#toBytes()}), total bytes and total packets
 *       (8 bytes each, big-endian).
 * </ul>
 *
 * <p>The bucket count and hash are part of the format: changing either orphans existing changelog
 * topics. {@value #COUNT} buckets keep a commit to at most that many changelog records per
 * partition while a bucket of a million-series partition stays around 30 KB.
 */
final class SeriesBuckets {

  static final int COUNT = 1024;
  static final byte VERSION = 1;
  static final int HEADER_BYTES = 1;

  private SeriesBuckets() {}

  /** Receives the series of a decoded bucket. */
  interface EntryConsumer {
    void accept(SeriesKey key, byte[] keyBytes, long bytes, long packets);
  }

  static byte[] keyBytes(SeriesKey key) {
    return key.toBytes();
  }

  /** FNV-1a over the key bytes, folded: stable across JVMs and versions, unlike hashCode(). */
  static int bucketOf(byte[] keyBytes) {
    int h = 0x811c9dc5;
    for (byte b : keyBytes) {
      h = (h ^ (b & 0xff)) * 0x01000193;
    }
    return (h ^ (h >>> 16)) & (COUNT - 1);
  }

  static byte[] bucketKey(int bucket) {
    return ByteBuffer.allocate(4).putInt(bucket).array();
  }

  static int entryBytes(byte[] keyBytes) {
    return 4 + keyBytes.length + 16;
  }

  /**
   * Decodes one bucket entry of the store.
   *
   * @throws IllegalStateException when the entry is not in this format, for example a changelog
   *     written by another program under the same application id
   */
  static void decode(byte[] key, byte[] value, EntryConsumer to) {
    if (key.length != 4) {
      throw notOurs("a key of " + key.length + " bytes instead of 4");
    }
    int bucket = ByteBuffer.wrap(key).getInt();
    if (bucket < 0 || bucket >= COUNT) {
      throw notOurs("bucket " + bucket + " outside 0.." + (COUNT - 1));
    }
    if (value == null || value.length < HEADER_BYTES || value[0] != VERSION) {
      throw notOurs("bucket " + bucket + " has no format byte " + VERSION);
    }
    ByteBuffer in = ByteBuffer.wrap(value, HEADER_BYTES, value.length - HEADER_BYTES);
    try {
      while (in.hasRemaining()) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
          throw notOurs("bucket " + bucket + " has a series key of " + length + " bytes");
        }
        byte[] keyBytes = new byte[length];
        in.get(keyBytes);
        long bytes = in.getLong();
        long packets = in.getLong();
        if (bucketOf(keyBytes) != bucket) {
          throw notOurs("a series in bucket " + bucket + " that hashes to bucket " + bucketOf(keyBytes));
        }
        to.accept(SeriesKey.fromBytes(keyBytes), keyBytes, bytes, packets);
      }
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw notOurs("bucket " + bucket + " is truncated or holds a bad series key (" + e + ")");
    }
  }

  private static IllegalStateException notOurs(String what) {
    return new IllegalStateException(
        "The totals store holds an entry this version cannot read: " + what
            + ". Was this application id's changelog topic written by another program or version?"
            + " Use a new --application-id.");
  }

  /** Encodes one bucket into a value of a size known in advance. */
  static final class Writer {
    private final ByteBuffer out;

    Writer(int size) {
      out = ByteBuffer.allocate(size);
      out.put(VERSION);
    }

    void entry(byte[] keyBytes, long bytes, long packets) {
      out.putInt(keyBytes.length).put(keyBytes).putLong(bytes).putLong(packets);
    }

    byte[] bytes() {
      if (out.hasRemaining()) {
        throw new IllegalStateException("bucket sized for " + out.capacity() + " bytes, " + out.position() + " written");
      }
      return out.array();
    }
  }
}
