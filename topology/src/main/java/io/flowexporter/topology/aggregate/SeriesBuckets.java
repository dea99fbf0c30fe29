package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.FlowTopology;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The state-store and changelog format of {@link SeriesTotalsStore}: the series of a partition
 * grouped into buckets by a hash of their key, one store entry per bucket.
 *
 * <ul>
 *   <li>key: the number of buckets, then the bucket's index, 4 bytes big-endian each;
 *   <li>value: a format byte ({@value #VERSION}), then for each series of the bucket: the length of
 *       its key (2 bytes), the {@linkplain SeriesKey key}, total bytes, packets and flows, and the
 *       time it last counted traffic (epoch milliseconds), 8 bytes each, big-endian.
 * </ul>
 *
 * <p>Version 1 (flow-exporter 0.1) kept per-input-partition totals of the AS family in the store
 * {@code flow-totals}; this format belongs to the owner's store {@code series-totals}, so the two
 * never meet in one changelog (see docs/operations.md for the upgrade).
 *
 * <p>The bucket of a series is taken from the bits of its hash above the eight that choose its
 * owner partition ({@link DeltaBatch#ownerPartition}), so that one partition's series spread over
 * all its buckets. Format 2 took the lowest bits, which the series of one partition share in part:
 * with P partitions only about 1/P of the buckets held series, each P times fuller than meant. A
 * store reads format 2 buckets (by the rule they were written with) and rewrites them in this
 * format at its next commit, under twice their count so that no new bucket overwrites an old one.
 *
 * <p>A partition starts with {@value #MIN_COUNT} buckets and doubles them whenever it holds more
 * than {@value #SERIES_PER_BUCKET} series per bucket: the commit after the doubling writes every
 * bucket under the new count, then deletes the keys of the old one, in the same transaction. So a
 * commit sends at most one record per bucket instead of one per series, and one changed series
 * rewrites at most a few dozen others (a few kilobytes) whatever the partition's size. The hash is
 * part of the format: changing it orphans existing changelog topics.
 */
final class SeriesBuckets {

  static final int MIN_COUNT = 1024;
  static final int MAX_COUNT = 1 << 24;
  static final int SERIES_PER_BUCKET = 32;
  static final byte VERSION = 3;

  /** The format before {@link #VERSION}, read and rewritten: the bucket from the lowest bits. */
  static final byte LOW_BITS_VERSION = 2;

  static final int HEADER_BYTES = 1;

  /** The store's changelog topic, after {@code <application-id>-}. */
  private static final String TOPIC_SUFFIX = FlowTopology.STORE + "-changelog";

  private SeriesBuckets() {}

  /** Receives the series of a decoded bucket. */
  interface EntryConsumer {
    void accept(SeriesKey key, long bytes, long packets, long flows, long lastSeen);
  }

  /** The bucket of a series' hash among {@code count} buckets (a power of two, at most 2^24). */
  static int bucketOf(int hash, int count) {
    return (hash >>> 8) & (count - 1);
  }

  /** The bucket a series was stored in by format 2. */
  private static int lowBitsBucketOf(int hash, int count) {
    return hash & (count - 1);
  }

  /** Whether a stored bucket is in this format, not one to rewrite. */
  static boolean isCurrent(byte[] value) {
    return value != null && value.length >= HEADER_BYTES && value[0] == VERSION;
  }

  /** The number of buckets for this many series: a power of two, from MIN_COUNT to MAX_COUNT. */
  static int countFor(int series, int atLeast) {
    int count = Math.max(atLeast, MIN_COUNT);
    while (series > (long) count * SERIES_PER_BUCKET && count < MAX_COUNT) {
      count *= 2;
    }
    return count;
  }

  static byte[] bucketKey(int count, int bucket) {
    return ByteBuffer.allocate(8).putInt(count).putInt(bucket).array();
  }

  /** Whether a store key is one of the buckets of {@code count}. */
  static boolean isKeyOf(byte[] key, int count) {
    return key.length == 8 && ByteBuffer.wrap(key).getInt() == count;
  }

  static int entryBytes(byte[] keyBytes) {
    return 2 + keyBytes.length + 32;
  }

  /**
   * Decodes one bucket entry of the store.
   *
   * @return the bucket count the entry was written under
   * @throws UnreadableFormatException when the entry is in a newer version's format, or in none
   *     that flow-exporter writes (another program's under the same application id, or damaged)
   */
  static int decode(byte[] key, byte[] value, EntryConsumer to) {
    // The format byte first: a newer version may change the key as well, and is said as such.
    if (value != null && value.length >= HEADER_BYTES && value[0] > VERSION) {
      throw new UnreadableFormatException(
          "a bucket in format " + value[0] + ", not " + VERSION, TOPIC_SUFFIX, true);
    }
    if (key.length != 8) {
      throw notOurs("a key of " + key.length + " bytes instead of 8");
    }
    ByteBuffer k = ByteBuffer.wrap(key);
    int count = k.getInt();
    int bucket = k.getInt();
    if (count < MIN_COUNT || count > MAX_COUNT || Integer.bitCount(count) != 1) {
      throw notOurs("a bucket count of " + count);
    }
    if (bucket < 0 || bucket >= count) {
      throw notOurs("bucket " + bucket + " outside 0.." + (count - 1));
    }
    if (value == null
        || value.length < HEADER_BYTES
        || (value[0] != VERSION && value[0] != LOW_BITS_VERSION)) {
      throw notOurs(
          "bucket "
              + bucket
              + " is in format "
              + (value == null || value.length == 0 ? "(empty)" : value[0])
              + ", not "
              + VERSION);
    }
    ByteBuffer in = ByteBuffer.wrap(value, HEADER_BYTES, value.length - HEADER_BYTES);
    try {
      while (in.hasRemaining()) {
        int length = in.getShort() & 0xffff;
        if (length > in.remaining()) {
          throw notOurs("bucket " + bucket + " has a series key of " + length + " bytes");
        }
        byte[] keyBytes = new byte[length];
        in.get(keyBytes);
        SeriesKey series = SeriesKey.wrap(keyBytes);
        long bytes = in.getLong();
        long packets = in.getLong();
        long flows = in.getLong();
        long lastSeen = in.getLong();
        int home =
            value[0] == VERSION
                ? bucketOf(series.hash(), count)
                : lowBitsBucketOf(series.hash(), count);
        if (home != bucket) {
          throw notOurs("a series in bucket " + bucket + " that hashes to bucket " + home);
        }
        to.accept(series, bytes, packets, flows, lastSeen);
      }
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw notOurs("bucket " + bucket + " is truncated or holds a bad series key (" + e + ")");
    }
    return count;
  }

  /**
   * An entry no version of flow-exporter writes: formats 2 and 3 are the only ones this store had.
   */
  private static UnreadableFormatException notOurs(String what) {
    return new UnreadableFormatException(what, TOPIC_SUFFIX, false);
  }

  /** Encodes one bucket into a value of a size known in advance. */
  static final class Writer {
    private final ByteBuffer out;

    Writer(int size) {
      out = ByteBuffer.allocate(size);
      out.put(VERSION);
    }

    void entry(byte[] keyBytes, long bytes, long packets, long flows, long lastSeen) {
      out.putShort((short) keyBytes.length)
          .put(keyBytes)
          .putLong(bytes)
          .putLong(packets)
          .putLong(flows)
          .putLong(lastSeen);
    }

    byte[] bytes() {
      if (out.hasRemaining()) {
        throw new IllegalStateException(
            "bucket sized for " + out.capacity() + " bytes, " + out.position() + " written");
      }
      return out.array();
    }
  }
}
