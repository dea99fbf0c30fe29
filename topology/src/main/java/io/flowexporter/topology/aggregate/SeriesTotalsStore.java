package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
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
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The totals of the series one owner partition owns (second stage), in three stages.
 *
 * <ol>
 *   <li><b>pending</b>: the first stage's deltas since the last commit, summed on the series' own
 *       entry by the stream thread.
 *   <li><b>written</b>: when Kafka Streams commits, it first flushes the caches of its stores; this
 *       store then adds the pending deltas to its totals and rewrites each {@linkplain
 *       SeriesBuckets bucket} holding a changed series, once, to the inner key-value store
 *       (RocksDB, logged to the changelog topic), inside the open transaction under exactly-once.
 *   <li><b>published</b>: only after the transaction (or, under at-least-once, the offset commit)
 *       has succeeded does {@link CommittedTotals} tell the store to publish what it wrote. Scrapes
 *       read published totals only. Under exactly-once, written-but-uncommitted totals are rolled
 *       back after a crash; had a scrape seen them, Prometheus would read the drop as a counter
 *       reset. Published totals are committed, so they never decrease.
 * </ol>
 *
 * <p>Each series has exactly one owner partition (its {@linkplain DeltaBatch slot}), so this store
 * holds a series' whole total, and the instance owning the partition exposes it.
 *
 * <p>Bound and expiry ({@link SeriesLimits}): a family admits at most {@link
 * SeriesLimits#maxSeriesOf its share} of {@code --max-series} here; the deltas of a label set
 * beyond that are added to the family's overflow series. A series with no delta for the TTL is
 * dropped from the store (its bucket is rewritten without it) and from scrapes, by the input's time
 * ({@link SeriesOwnerProcessor}). The bound depends only on what the store holds, so a restarted or
 * new owner, restored from the changelog, decides alike.
 *
 * <p>Threading: everything but {@link #published} and the counts runs on the task's stream thread.
 * Scrapes read a {@link Published} view: compact arrays of series keys and totals updated in place
 * at each publication. The three totals of a series may come from two successive commits, each of
 * them committed.
 *
 * <p>The store becomes visible to scrapes when the processor of an active task {@link #activate
 * activates} it, which happens after restoration. Standby replicas restore into the same kind of
 * store but are never activated, so an instance exposes only what it owns.
 */
public final class SeriesTotalsStore implements StateStore, CachedStateStore<Bytes, byte[]> {

  private Runnable onFlush = () -> {};

  private static final int FAMILIES = SeriesFamily.IDS;

  /**
   * Per family, the deltas of not-admitted label sets counted into the overflow series since the
   * last flush, then since the last publication: {@code flow_exporter_series_overflow_total} counts
   * them once their transaction committed, so that a batch processed again (an aborted transaction,
   * a revived task) is not counted twice.
   */
  private final long[] pendingOverflows = new long[FAMILIES];

  private final long[] writtenOverflows = new long[FAMILIES];

  private final KeyValueStore<Bytes, byte[]> inner;
  private final CommittedTotals committed;
  private final SeriesLimits limits;
  private int maxSeries = -1;

  /** Every series of the partition; {@link #index} maps key bytes to a position here. */
  private final List<Series> series = new ArrayList<>();

  private ByteKeyIndex index = new ByteKeyIndex(1024, true);

  /** Series per family that count against the bound (overflow series do not). */
  private final int[] admitted = new int[FAMILIES];

  private int bucketCount = SeriesBuckets.MIN_COUNT;
  private Series[] bucketHeads = new Series[SeriesBuckets.MIN_COUNT];
  private final List<Series> changed = new ArrayList<>();
  private final BitSet changedBuckets = new BitSet(SeriesBuckets.MIN_COUNT);

  /** Store keys of a smaller bucket count, deleted by the next flush. */
  private final List<byte[]> obsoleteKeys = new ArrayList<>();

  private final List<Series> written = new ArrayList<>();
  private volatile Published published = Published.EMPTY;
  private boolean active;
  private volatile TaskId taskId;

  SeriesTotalsStore(
      KeyValueStore<Bytes, byte[]> inner, CommittedTotals committed, SeriesLimits limits) {
    this.inner = inner;
    this.committed = committed;
    this.limits = limits;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    // Re-initialisation (a task revived after corruption) starts from what the inner store holds.
    resetMemory();
    taskId = context.taskId();
    inner.init(context, root);
  }

  /** The task this store belongs to; null before {@link #init} (stores built by tests). */
  TaskId taskId() {
    return taskId;
  }

  /** This partition's share of {@code --max-series}, per family; its partition is fixed. */
  private int maxSeries() {
    if (maxSeries < 0) {
      maxSeries = limits.maxSeriesOf(partition());
    }
    return maxSeries;
  }

  /** The owner partition this store keeps, which names its overflow series; 0 before init. */
  private int partition() {
    return taskId == null ? 0 : taskId.partition();
  }

  /**
   * Adds one delta, held in {@code key[offset, offset + length)}, of traffic seen at {@code now}
   * (epoch ms: the input's time, see {@link SeriesOwnerProcessor}). A label set the family's bound
   * does not admit counts into the family's overflow series. Totals stop at {@link Long#MAX_VALUE}.
   * Stream thread only.
   *
   * @throws IllegalArgumentException when the bytes are not a series key
   */
  public void add(
      byte[] key, int offset, int length, long bytes, long packets, long flows, long now) {
    int hash = SeriesKey.hashOf(key, offset, length);
    int i = index.get(key, offset, length, hash);
    Series s;
    if (i >= 0) {
      s = series.get(i);
    } else {
      SeriesKey k = SeriesKey.wrap(Arrays.copyOfRange(key, offset, offset + length));
      if (!k.isOverflow() && admitted[k.familyId()] >= maxSeries()) {
        pendingOverflows[k.familyId()]++;
        k = SeriesKey.wrapOverflow(k.familyId(), k.direction(), partition());
        int o = index.get(k.bytes(), 0, k.bytes().length, k.hash());
        s = o >= 0 ? series.get(o) : create(k);
      } else {
        s = create(k);
      }
    }
    s.pendingBytes = Sums.saturated(s.pendingBytes, bytes);
    s.pendingPackets = Sums.saturated(s.pendingPackets, packets);
    s.pendingFlows = Sums.saturated(s.pendingFlows, flows);
    s.lastSeen = Math.max(s.lastSeen, now);
    if (!s.changed) {
      s.changed = true;
      changed.add(s);
    }
  }

  /** Called first in each {@link #flushCache}, as the thread commits: the owner's pacer. */
  void onFlush(Runnable action) {
    onFlush = action;
  }

  /**
   * Makes the store's committed totals visible to scrapes. Called by the processor of an active
   * task, after restoration, so the inner store holds exactly the committed totals.
   */
  public void activate() {
    resetMemory();
    // Entries come in key order, so a smaller bucket count first: should a series be found under
    // two counts (a doubling whose deletions were lost), the newer totals win.
    Map<SeriesKey, long[]> restored = new LinkedHashMap<>();
    List<byte[]> keys = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    List<Boolean> current = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> bucket = it.next();
        keys.add(bucket.key.get());
        current.add(SeriesBuckets.isCurrent(bucket.value));
        counts.add(
            SeriesBuckets.decode(
                bucket.key.get(),
                bucket.value,
                (key, bytes, packets, flows, lastSeen) ->
                    restored.put(key, new long[] {bytes, packets, flows, lastSeen})));
      }
    }
    // Overflow series written before they carried their partition: this partition's now. Only
    // the version before wrote them, in format 2, whose buckets are all rewritten below.
    for (SeriesKey key : List.copyOf(restored.keySet())) {
      if (key.isOverflow() && key.overflowPartition() < 0) {
        long[] t = restored.remove(key);
        restored.putIfAbsent(
            SeriesKey.wrapOverflow(key.familyId(), key.direction(), partition()), t);
      }
    }
    int newest = counts.stream().mapToInt(Integer::intValue).max().orElse(SeriesBuckets.MIN_COUNT);
    // Format 2 buckets are rewritten under twice their count, so that no rewritten bucket
    // overwrites a key whose series are not yet written elsewhere (see flushCache).
    for (int i = 0; i < keys.size(); i++) {
      if (!current.get(i)) {
        newest = Math.max(newest, Math.min(counts.get(i) * 2, SeriesBuckets.MAX_COUNT));
      }
    }
    relink(SeriesBuckets.countFor(restored.size(), newest));
    restored.forEach(
        (key, t) -> {
          Series s = track(key);
          s.bytes = t[0];
          s.packets = t[1];
          s.flows = t[2];
          s.lastSeen = t[3];
          s.stored = true;
          written.add(s);
        });
    boolean rewrite = false;
    for (int i = 0; i < keys.size(); i++) {
      // Under another count, or in the format before (its series elsewhere in this one).
      if (counts.get(i) != bucketCount || !current.get(i)) {
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
   * Drops the series with no traffic since {@code cutoff} (epoch ms): from scrapes now, from the
   * store at the next commit. Stream thread only.
   *
   * @return how many series were dropped
   */
  public int expire(long cutoff) {
    int dropped = 0;
    for (Series s : series) {
      if (s.lastSeen < cutoff && !s.changed && !s.awaitingPublication) {
        s.expired = true;
        dropped++;
        if (s.stored) {
          changedBuckets.set(s.bucket);
        }
        if (!s.key.isOverflow()) {
          admitted[s.key.familyId()]--;
        }
      }
    }
    if (dropped == 0) {
      return 0;
    }
    series.removeIf(s -> s.expired);
    index = new ByteKeyIndex(series.size() * 2, true);
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      index.put(s.key.bytes(), s.key.hash(), i);
    }
    relink(bucketCount);
    republishWithoutExpired();
    return dropped;
  }

  /**
   * Called by Kafka Streams in {@code StreamTask.prepareCommit}, before the transaction or offset
   * commit: the pending deltas become written totals, sent to the changelog inside the transaction
   * about to commit.
   *
   * <p>This is why the store implements Kafka Streams' internal {@link CachedStateStore}: since
   * KIP-1035 (Kafka 4.x), {@link #commit} is called only after the commit, when the changelog
   * records would land in the <em>next</em> transaction while the offsets of the deltas they count
   * are already committed. {@code CommitOrderTest} and the kill -9 integration tests guard this
   * contract across Kafka upgrades.
   */
  @Override
  public void flushCache() {
    onFlush.run();
    if (changed.isEmpty() && changedBuckets.isEmpty() && obsoleteKeys.isEmpty()) {
      return;
    }
    for (Series s : changed) {
      s.bytes = Sums.saturated(s.bytes, s.pendingBytes);
      s.packets = Sums.saturated(s.packets, s.pendingPackets);
      s.flows = Sums.saturated(s.flows, s.pendingFlows);
      s.pendingBytes = 0;
      s.pendingPackets = 0;
      s.pendingFlows = 0;
      s.changed = false;
      s.stored = true;
      changedBuckets.set(s.bucket);
      s.awaitingPublication = true;
      written.add(s);
    }
    changed.clear();
    for (int f = 0; f < FAMILIES; f++) {
      writtenOverflows[f] += pendingOverflows[f];
      pendingOverflows[f] = 0;
    }
    // New buckets before the deletion of old keys: under at_least_once a crash can leave any
    // prefix of these writes in the changelog, and a prefix must never hold a series in no bucket.
    // A restore that finds a series under two counts takes the newer (see activate).
    for (int b = changedBuckets.nextSetBit(0); b >= 0; b = changedBuckets.nextSetBit(b + 1)) {
      byte[] value = encodeBucket(b);
      Bytes key = Bytes.wrap(SeriesBuckets.bucketKey(bucketCount, b));
      if (value == null) {
        inner.delete(key);
      } else {
        inner.put(key, value);
      }
    }
    for (byte[] key : obsoleteKeys) {
      if (!SeriesBuckets.isKeyOf(key, bucketCount)) { // else just rewritten (format 2 at MAX_COUNT)
        inner.delete(Bytes.wrap(key));
      }
    }
    obsoleteKeys.clear();
    changedBuckets.clear();
    committed.written(this);
  }

  /**
   * The task is being recycled (active to standby or back): what was pending will not be committed
   * by this store; the changelog has the truth. A store no longer active (its processor closed)
   * also lets go of its series: a standby keeps its totals in the inner store only, and an
   * activation reads them from there again.
   */
  @Override
  public void clearCache() {
    for (Series s : changed) {
      s.pendingBytes = 0;
      s.pendingPackets = 0;
      s.pendingFlows = 0;
      s.changed = false;
    }
    changed.clear();
    Arrays.fill(pendingOverflows, 0);
    if (!active) {
      resetMemory();
    }
  }

  /** No downstream listener: totals leave through scrapes, not through forwarding. */
  @Override
  public boolean setFlushListener(
      CacheFlushListener<Bytes, byte[]> listener, boolean sendOldValues) {
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
    SeriesKey[] keys = p.keys;
    AtomicLongArray totals = p.totals;
    int count = p.count;
    int[] perFamily = p.perFamily;
    for (Series s : written) {
      s.awaitingPublication = false;
      if (s.expired) {
        continue;
      }
      if (s.publishedIndex < 0) {
        if (count == keys.length) {
          int length = Math.max(64, count * 2);
          keys = Arrays.copyOf(keys, length);
          totals = grown(totals, length * 3);
        }
        s.publishedIndex = count;
        keys[count++] = s.key;
        if (perFamily == p.perFamily) {
          perFamily = p.perFamily.clone();
        }
        perFamily[s.key.familyId()]++;
      }
      totals.lazySet(3 * s.publishedIndex, s.bytes);
      totals.lazySet(3 * s.publishedIndex + 1, s.packets);
      totals.lazySet(3 * s.publishedIndex + 2, s.flows);
    }
    written.clear();
    for (int f = 0; f < FAMILIES; f++) {
      if (writtenOverflows[f] > 0) {
        committed.overflowed(f, writtenOverflows[f]);
        writtenOverflows[f] = 0;
      }
    }
    // The volatile write that hands the new keys and totals to scrapes.
    published = new Published(keys, totals, count, perFamily);
  }

  /** A new view without the expired series, their committed totals carried over. */
  private void republishWithoutExpired() {
    Published p = published;
    int live = 0;
    for (Series s : series) {
      if (s.publishedIndex >= 0) {
        live++;
      }
    }
    SeriesKey[] keys = new SeriesKey[Math.max(64, live)];
    AtomicLongArray totals = new AtomicLongArray(3 * keys.length);
    int[] perFamily = new int[FAMILIES];
    int count = 0;
    for (Series s : series) {
      if (s.publishedIndex >= 0) {
        perFamily[s.key.familyId()]++;
        for (int u = 0; u < 3; u++) {
          totals.lazySet(3 * count + u, p.totals.get(3 * s.publishedIndex + u));
        }
        keys[count] = s.key;
        s.publishedIndex = count++;
      }
    }
    published = new Published(keys, totals, count, perFamily);
  }

  /**
   * What the inner key-value store holds, decoded: the totals written so far (committed or in the
   * open transaction). Reads the whole store; for tests and diagnostics, stream thread only.
   */
  public Map<SeriesKey, Totals> readStore() {
    Map<SeriesKey, Totals> all = new HashMap<>();
    try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> bucket = it.next();
        SeriesBuckets.decode(
            bucket.key.get(),
            bucket.value,
            (key, bytes, packets, flows, lastSeen) ->
                all.put(key, new Totals(bytes, packets, flows)));
      }
    }
    return all;
  }

  /**
   * The committed totals of every series of this partition, as of the last publication; any thread.
   */
  Published published() {
    return published;
  }

  /** How many series of this partition are published; any thread. */
  public int publishedSeries() {
    return published.count;
  }

  /**
   * How many series of a family this partition has published, its overflow series included; any
   * thread.
   */
  int seriesOf(int family) {
    return published.seriesOf(family);
  }

  private static AtomicLongArray grown(AtomicLongArray totals, int length) {
    AtomicLongArray bigger = new AtomicLongArray(length);
    for (int i = 0; i < totals.length(); i++) {
      bigger.lazySet(i, totals.get(i));
    }
    return bigger;
  }

  /**
   * What scrapes see: the first {@code count} series keys, in order of first publication, and their
   * totals at {@code 3 * i} (bytes), {@code 3 * i + 1} (packets) and {@code 3 * i + 2} (flows).
   * Only the stream thread writes; it replaces the view (a volatile write) at the end of every
   * publication. {@code perFamily} counts the keys by family id; never written once published.
   */
  record Published(SeriesKey[] keys, AtomicLongArray totals, int count, int[] perFamily) {
    static final Published EMPTY =
        new Published(new SeriesKey[0], new AtomicLongArray(0), 0, new int[FAMILIES]);

    /** How many of the keys are of the family; overflow series included. */
    int seriesOf(int family) {
      return perFamily[family];
    }

    /**
     * Copies the keys and totals (three per series) into the arrays from {@code at} on.
     *
     * @return the index after the last series copied
     */
    int copyInto(SeriesKey[] toKeys, long[] toTotals, int at) {
      System.arraycopy(keys, 0, toKeys, at, count);
      for (int i = 0; i < count; i++) {
        int to = 3 * (at + i);
        toTotals[to] = totals.get(3 * i);
        toTotals[to + 1] = totals.get(3 * i + 1);
        toTotals[to + 2] = totals.get(3 * i + 2);
      }
      return at + count;
    }
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

  /** A series seen for the first time: tracked, and the buckets grown if due. */
  private Series create(SeriesKey key) {
    Series s = track(key);
    maybeGrow();
    return s;
  }

  /** Adds a series with zero totals to the index, the series list and its bucket. */
  private Series track(SeriesKey key) {
    Series s = new Series(key);
    index.put(key.bytes(), key.hash(), series.size());
    series.add(s);
    if (!key.isOverflow()) {
      admitted[key.familyId()]++;
    }
    s.bucket = SeriesBuckets.bucketOf(key.hash(), bucketCount);
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
      // A changed bucket may have lost every series (expired since the last commit) and be in the
      // store still: its key goes too, or a restart would restore what expired.
      if (hasStored(bucketHeads[b]) || changedBuckets.get(b)) {
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
      s.bucket = SeriesBuckets.bucketOf(s.key.hash(), count);
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

  /** The bucket's value, or null when none of its series is stored (the key is deleted). */
  private byte[] encodeBucket(int bucket) {
    int size = SeriesBuckets.HEADER_BYTES;
    for (Series s = bucketHeads[bucket]; s != null; s = s.nextInBucket) {
      if (s.stored) {
        size += SeriesBuckets.entryBytes(s.key.bytes());
      }
    }
    if (size == SeriesBuckets.HEADER_BYTES) {
      return null;
    }
    SeriesBuckets.Writer out = new SeriesBuckets.Writer(size);
    for (Series s = bucketHeads[bucket]; s != null; s = s.nextInBucket) {
      if (s.stored) {
        out.entry(s.key.bytes(), s.bytes, s.packets, s.flows, s.lastSeen);
      }
    }
    return out.bytes();
  }

  private void resetMemory() {
    series.clear();
    index = new ByteKeyIndex(1024, true);
    Arrays.fill(admitted, 0);
    bucketCount = SeriesBuckets.MIN_COUNT;
    bucketHeads = new Series[SeriesBuckets.MIN_COUNT];
    changed.clear();
    changedBuckets.clear();
    obsoleteKeys.clear();
    written.clear();
    Arrays.fill(pendingOverflows, 0);
    Arrays.fill(writtenOverflows, 0);
    published = Published.EMPTY;
  }

  /** One series of the partition: its written totals and what is pending since the last flush. */
  private static final class Series {
    final SeriesKey key;
    int bucket;
    Series nextInBucket;

    /** Written totals: flushed to the inner store (committed, or in the open transaction). */
    long bytes;

    long packets;
    long flows;
    long pendingBytes;
    long pendingPackets;
    long pendingFlows;

    /** Epoch ms of the last delta. */
    long lastSeen;

    /** In {@link #changed}: has pending deltas. */
    boolean changed;

    /** Has totals in the inner store; a series that was never flushed is left out of its bucket. */
    boolean stored;

    /** Written, not yet published: kept from expiring so its publication finds it. */
    boolean awaitingPublication;

    boolean expired;

    /** Where its committed totals are in the {@link Published} view; -1 before the first. */
    int publishedIndex = -1;

    Series(SeriesKey key) {
      this.key = key;
    }
  }
}
