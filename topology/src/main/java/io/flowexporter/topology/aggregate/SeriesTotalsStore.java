package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.SeriesKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The totals of one input partition (one stream task), in three stages.
 *
 * <ol>
 *   <li><b>pending</b>: increments since the last commit, summed on the series' own entry by the
 *       stream thread. A record costs one table lookup, not a store write.
 *   <li><b>written</b>: when Kafka Streams commits, it first flushes the caches of its stores;
 *       this store then adds the pending increments to its totals and rewrites each {@linkplain
 *       SeriesBuckets bucket} holding a changed series, once, to the inner key-value store
 *       (RocksDB, logged to the changelog topic), inside the open transaction under exactly-once.
 *   <li><b>published</b>: only after the transaction (or, under at-least-once, the offset commit)
 *       has succeeded does {@link CommittedTotals} tell the store to publish what it wrote. Scrapes
 *       read published totals only. Under exactly-once, written-but-uncommitted totals are rolled
 *       back after a crash; had a scrape seen them, Prometheus would read the drop as a counter
 *       reset. Published totals are committed, so they never decrease.
 * </ol>
 *
 * <p>Why buckets: with keyless pmacct messages every series turns up in every partition, and a
 * commit used to write each changed series as its own store entry and changelog record, which cost
 * about as much as counting the records themselves. A bucket record carries all the series that
 * hash to it (about {@value SeriesBuckets#SERIES_PER_BUCKET} at most on average), so a commit sends
 * one record per changed bucket.
 *
 * <p>Threading: everything but {@link #forEachPublished} and {@link #publishedSeries} runs on the
 * task's stream thread. Scrapes may call those at any time: they read a {@link Published} view,
 * compact arrays of series numbers and totals updated in place at each commit (no object per series per
 * commit, which kept the old generation busy, and a sequential walk for the scrape). Bytes and
 * packets are two counters: a scrape may read one from a commit and the other from the next, each
 * of them committed.
 *
 * <p>The store becomes visible to scrapes when the processor of an active task {@link
 * #activate activates} it, which happens after restoration. Standby replicas restore into the
 * same kind of store but are never activated, so an instance exposes only what it owns.
 */
public final class SeriesTotalsStore implements StateStore, CachedStateStore<Bytes, byte[]> {

  private final KeyValueStore<Bytes, byte[]> inner;
  private final CommittedTotals committed;

  /** Every series of the partition; {@link #table} maps labels to an index here. */
  private final List<Series> series = new ArrayList<>();
  private final SeriesTable table = new SeriesTable();
  /** Series of routers beyond {@link SeriesTable#MAX_HOSTS}, should a partition ever see so many. */
  private final Map<SeriesKey, Series> untabled = new HashMap<>();
  /** The number of buckets, a power of two that doubles as the partition grows. */
  private int bucketCount = SeriesBuckets.MIN_COUNT;
  /** The first series of each bucket; the others follow {@link Series#nextInBucket}. */
  private Series[] bucketHeads = new Series[SeriesBuckets.MIN_COUNT];
  private final List<Series> changed = new ArrayList<>();
  private final BitSet changedBuckets = new BitSet(SeriesBuckets.MIN_COUNT);
  /** Store keys of a smaller bucket count, deleted by the next flush. */
  private final List<byte[]> obsoleteKeys = new ArrayList<>();
  private final List<Series> written = new ArrayList<>();
  private volatile Published published = Published.EMPTY;
  private boolean active;

  SeriesTotalsStore(KeyValueStore<Bytes, byte[]> inner, CommittedTotals committed) {
    this.inner = inner;
    this.committed = committed;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    // Re-initialisation (a task revived after corruption) starts from what the inner store holds.
    resetMemory();
    inner.init(context, root);
  }

  /**
   * Adds one record's counts, unless the series' total would then pass {@link Long#MAX_VALUE}.
   * Refusing here, rather than failing at the commit, keeps one absurd record from stopping the
   * partition for good (it would be reprocessed, and fail again, after every restart). Stream
   * thread only.
   *
   * @return false, with nothing added, when the total would overflow
   */
  public boolean add(SeriesKey key, long bytes, long packets) {
    return add(key.direction(), key.hostname(), key.sourceAs(), key.destinationAs(), bytes, packets);
  }

  /** {@link #add(SeriesKey, long, long)} from the labels, as the processor calls it. */
  public boolean add(
      Direction direction, String hostname, long sourceAs, long destinationAs, long bytes, long packets) {
    Series s = find(direction, hostname, sourceAs, destinationAs);
    long pendingBytes;
    long pendingPackets;
    try {
      pendingBytes = Math.addExact(s.pendingBytes, bytes);
      pendingPackets = Math.addExact(s.pendingPackets, packets);
      Math.addExact(s.bytes, pendingBytes);
      Math.addExact(s.packets, pendingPackets);
    } catch (ArithmeticException overflow) {
      return false;
    }
    s.pendingBytes = pendingBytes;
    s.pendingPackets = pendingPackets;
    if (!s.changed) {
      s.changed = true;
      changed.add(s);
    }
    return true;
  }

  /**
   * Makes the store's committed totals visible to scrapes. Called by the processor of an active
   * task, after restoration, so the inner store holds exactly the committed totals.
   */
  public void activate() {
    resetMemory();
    // Entries come in key order, so a smaller bucket count first: should a series be found under
    // two counts (a doubling whose deletions were lost), the newer totals win.
    Map<SeriesKey, Restored> restored = new LinkedHashMap<>();
    List<byte[]> keys = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> bucket = it.next();
        keys.add(bucket.key.get());
        counts.add(SeriesBuckets.decode(bucket.key.get(), bucket.value,
            (key, keyBytes, bytes, packets) -> restored.put(key, new Restored(keyBytes, bytes, packets))));
      }
    }
    int newest = counts.stream().mapToInt(Integer::intValue).max().orElse(SeriesBuckets.MIN_COUNT);
    relink(SeriesBuckets.countFor(restored.size(), newest));
    restored.forEach((key, r) -> {
      Series s = track(key, r.keyBytes());
      s.bytes = r.bytes();
      s.packets = r.packets();
      s.stored = true;
      written.add(s);
    });
    boolean rewrite = false;
    for (int i = 0; i < keys.size(); i++) {
      if (counts.get(i) != bucketCount) {
        obsoleteKeys.add(keys.get(i));
        rewrite = true;
      }
    }
    if (rewrite) {
      markStoredBucketsChanged();
    }
    publishWritten();
    active = true;
    committed.register(this);
  }

  /** Hides the store from scrapes: the task is closing or becoming a standby. */
  public void deactivate() {
    if (active) {
      active = false;
      committed.unregister(this);
    }
  }

  /**
   * Called by Kafka Streams in {@code StreamTask.prepareCommit}, before the transaction or offset
   * commit: the pending increments become written totals, sent to the changelog inside the
   * transaction about to commit.
   *
   * <p>This is why the store implements Kafka Streams' internal {@link CachedStateStore}: since
   * KIP-1035 (Kafka 4.x), {@link #commit} is called only after the commit, when the changelog
   * records would land in the <em>next</em> transaction while the offsets of the records they
   * count are already committed. The integration tests (kill -9 under load) guard this contract
   * across Kafka upgrades.
   */
  @Override
  public void flushCache() {
    if (changed.isEmpty() && changedBuckets.isEmpty() && obsoleteKeys.isEmpty()) {
      return;
    }
    for (Series s : changed) {
      // add() checked that these sums fit.
      s.bytes += s.pendingBytes;
      s.packets += s.pendingPackets;
      s.pendingBytes = 0;
      s.pendingPackets = 0;
      s.changed = false;
      s.stored = true;
      changedBuckets.set(s.bucket);
      written.add(s);
    }
    changed.clear();
    for (byte[] key : obsoleteKeys) {
      inner.delete(Bytes.wrap(key));
    }
    obsoleteKeys.clear();
    for (int b = changedBuckets.nextSetBit(0); b >= 0; b = changedBuckets.nextSetBit(b + 1)) {
      inner.put(Bytes.wrap(SeriesBuckets.bucketKey(bucketCount, b)), encodeBucket(b));
    }
    changedBuckets.clear();
    committed.written(this);
  }

  /**
   * The task is being recycled (active to standby or back): what was pending will not be
   * committed by this store; the changelog has the truth.
   */
  @Override
  public void clearCache() {
    for (Series s : changed) {
      s.pendingBytes = 0;
      s.pendingPackets = 0;
      s.changed = false;
    }
    changed.clear();
  }

  /** No downstream listener: totals leave through scrapes, not through forwarding. */
  @Override
  public boolean setFlushListener(CacheFlushListener<Bytes, byte[]> listener, boolean sendOldValues) {
    return false;
  }

  /** Called after a successful commit when Kafka Streams checkpoints; nothing is pending then. */
  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    inner.commit(changelogOffsets);
  }

  /** The transaction holding the written totals has committed: scrapes may see them now. */
  void publishWritten() {
    Published p = published;
    int[] ids = p.ids;
    AtomicLongArray totals = p.totals;
    int count = p.count;
    for (Series s : written) {
      if (s.publishedIndex < 0) {
        if (count == ids.length) {
          int length = Math.max(64, count * 2);
          ids = Arrays.copyOf(ids, length);
          totals = grown(totals, length * 2);
        }
        s.publishedIndex = count;
        ids[count++] = s.id;
      }
      totals.lazySet(2 * s.publishedIndex, s.bytes);
      totals.lazySet(2 * s.publishedIndex + 1, s.packets);
    }
    written.clear();
    // The volatile write that hands the new keys and totals to scrapes.
    published = new Published(ids, totals, count);
  }

  /**
   * What the inner key-value store holds, decoded: the totals written so far (committed or in
   * the open transaction). Reads the whole store; for tests and diagnostics, stream thread only.
   */
  public Map<SeriesKey, Totals> readStore() {
    Map<SeriesKey, Totals> all = new HashMap<>();
    try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> bucket = it.next();
        SeriesBuckets.decode(bucket.key.get(), bucket.value,
            (key, keyBytes, bytes, packets) -> all.put(key, new Totals(bytes, packets)));
      }
    }
    return all;
  }

  /** Receives published totals by instance-wide series number. */
  @FunctionalInterface
  interface PublishedConsumer {
    void accept(int id, long bytes, long packets);
  }

  /** Hands over the committed totals of every series of this partition; any thread. */
  void forEachPublished(PublishedConsumer to) {
    Published p = published;
    for (int i = 0; i < p.count; i++) {
      to.accept(p.ids[i], p.totals.get(2 * i), p.totals.get(2 * i + 1));
    }
  }

  /** How many series of this partition are published; any thread. */
  public int publishedSeries() {
    return published.count;
  }

  private static AtomicLongArray grown(AtomicLongArray totals, int length) {
    AtomicLongArray bigger = new AtomicLongArray(length);
    for (int i = 0; i < totals.length(); i++) {
      bigger.lazySet(i, totals.get(i));
    }
    return bigger;
  }

  /**
   * What scrapes see: the first {@code count} series numbers, in order of first publication, and their
   * totals at {@code 2 * i} (bytes) and {@code 2 * i + 1} (packets). Only the stream thread writes;
   * it replaces the view (a volatile write) at the end of every publication.
   */
  private record Published(int[] ids, AtomicLongArray totals, int count) {
    static final Published EMPTY = new Published(new int[0], new AtomicLongArray(0), 0);
  }

  @Override
  public void close() {
    deactivate();
    resetMemory();
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  /** The series of these labels; a new one, with zero totals, on first sight. */
  private Series find(Direction direction, String hostname, long sourceAs, long destinationAs) {
    int host = table.hostId(hostname);
    if (host >= 0) {
      int index = table.find(direction, host, sourceAs, destinationAs);
      return index >= 0 ? series.get(index) : create(new SeriesKey(direction, hostname, sourceAs, destinationAs));
    }
    SeriesKey key = new SeriesKey(direction, hostname, sourceAs, destinationAs);
    Series s = untabled.get(key);
    return s != null ? s : create(key);
  }

  /** A series seen for the first time while counting: tracked, and the buckets grown if due. */
  private Series create(SeriesKey key) {
    Series s = track(key, key.toBytes());
    maybeGrow();
    return s;
  }

  /** Adds a series with zero totals to the table, the series list and its bucket. */
  private Series track(SeriesKey key, byte[] keyBytes) {
    int id = committed.idOf(key);
    key = committed.keyOf(id); // one key object per series for all partitions
    int host = table.hostId(key.hostname());
    Series s = new Series(key, keyBytes, id);
    if (host < 0) {
      untabled.put(key, s);
    } else {
      table.insert(key.direction(), host, key.sourceAs(), key.destinationAs(), series.size());
    }
    series.add(s);
    s.bucket = SeriesBuckets.bucketOf(s.hash, bucketCount);
    s.nextInBucket = bucketHeads[s.bucket];
    bucketHeads[s.bucket] = s;
    return s;
  }

  /**
   * Doubles the buckets once the partition holds more than {@link SeriesBuckets#SERIES_PER_BUCKET}
   * series per bucket: the next flush writes every bucket under the new count and deletes the old
   * keys, in one transaction.
   */
  private void maybeGrow() {
    if (series.size() <= (long) bucketCount * SeriesBuckets.SERIES_PER_BUCKET
        || bucketCount >= SeriesBuckets.MAX_COUNT) {
      return;
    }
    for (int b = 0; b < bucketCount; b++) {
      if (hasStored(bucketHeads[b])) {
        obsoleteKeys.add(SeriesBuckets.bucketKey(bucketCount, b));
      }
    }
    relink(SeriesBuckets.countFor(series.size(), bucketCount));
    markStoredBucketsChanged();
  }

  private void relink(int count) {
    bucketCount = count;
    bucketHeads = new Series[count];
    for (Series s : series) {
      s.bucket = SeriesBuckets.bucketOf(s.hash, count);
      s.nextInBucket = bucketHeads[s.bucket];
      bucketHeads[s.bucket] = s;
    }
  }

  private void markStoredBucketsChanged() {
    for (Series s : series) {
      if (s.stored) {
        changedBuckets.set(s.bucket);
      }
    }
  }

  private static boolean hasStored(Series first) {
    for (Series s = first; s != null; s = s.nextInBucket) {
      if (s.stored) {
        return true;
      }
    }
    return false;
  }

  private byte[] encodeBucket(int bucket) {
    int size = SeriesBuckets.HEADER_BYTES;
    for (Series s = bucketHeads[bucket]; s != null; s = s.nextInBucket) {
      if (s.stored) {
        size += SeriesBuckets.entryBytes(s.keyBytes);
      }
    }
    SeriesBuckets.Writer out = new SeriesBuckets.Writer(size);
    for (Series s = bucketHeads[bucket]; s != null; s = s.nextInBucket) {
      if (s.stored) {
        out.entry(s.keyBytes, s.bytes, s.packets);
      }
    }
    return out.bytes();
  }

  private void resetMemory() {
    series.clear();
    table.clear();
    untabled.clear();
    bucketCount = SeriesBuckets.MIN_COUNT;
    bucketHeads = new Series[SeriesBuckets.MIN_COUNT];
    changed.clear();
    changedBuckets.clear();
    obsoleteKeys.clear();
    written.clear();
    published = Published.EMPTY;
  }

  /** A series' totals as read back from the store. */
  private record Restored(byte[] keyBytes, long bytes, long packets) {}

  /** One series of this partition: its written totals and what is pending since the last flush. */
  private static final class Series {
    final SeriesKey key;
    /** The instance-wide series number ({@link CommittedTotals#idOf}). */
    final int id;
    final byte[] keyBytes;
    /** {@link SeriesBuckets#hashOf} of the key bytes; the bucket follows from it and the count. */
    final int hash;
    int bucket;
    Series nextInBucket;
    /** Written totals: flushed to the inner store (committed, or in the open transaction). */
    long bytes;
    long packets;
    long pendingBytes;
    long pendingPackets;
    /** In {@link #changed}: has pending increments. */
    boolean changed;
    /** Has totals in the inner store; a series that was never flushed is left out of its bucket. */
    boolean stored;
    /** Where its committed totals are in the {@link Published} view; -1 before the first. */
    int publishedIndex = -1;

    Series(SeriesKey key, byte[] keyBytes, int id) {
      this.key = key;
      this.id = id;
      this.keyBytes = keyBytes;
      this.hash = SeriesBuckets.hashOf(keyBytes);
    }
  }
}
