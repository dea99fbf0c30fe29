package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.enrich.SeriesKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 *   <li><b>pending</b>: increments since the last commit, summed in a plain hash map by the stream
 *       thread. A record costs one map update, not a store write.
 *   <li><b>written</b>: when Kafka Streams commits, it first flushes the caches of its stores;
 *       this store then adds the pending increments to its totals and writes each changed series once
 *       to the inner key-value store (RocksDB, logged to the changelog topic), inside the open
 *       transaction under exactly-once.
 *   <li><b>published</b>: only after the transaction (or, under at-least-once, the offset commit)
 *       has succeeded does {@link CommittedTotals} tell the store to publish what it wrote. Scrapes
 *       read published totals only. Under exactly-once, written-but-uncommitted totals are rolled
 *       back after a crash; had a scrape seen them, Prometheus would read the drop as a counter
 *       reset. Published totals are committed, so they never decrease.
 * </ol>
 *
 * <p>Threading: everything but {@link #published()} runs on the task's stream thread. {@code
 * published()} is a concurrent map that scrapes may read at any time; each value is an immutable
 * {@link Totals}.
 *
 * <p>The store becomes visible to scrapes when the processor of an active task {@link
 * #activate activates} it, which happens after restoration. Standby replicas restore into the
 * same kind of store but are never activated, so an instance exposes only what it owns.
 */
public final class SeriesTotalsStore implements StateStore, CachedStateStore<Bytes, byte[]> {

  private final KeyValueStore<Bytes, byte[]> inner;
  private final CommittedTotals committed;

  private final Map<SeriesKey, long[]> pending = new HashMap<>();
  private final Map<SeriesKey, Totals> current = new HashMap<>();
  private final List<SeriesKey> written = new ArrayList<>();
  private final Map<SeriesKey, Totals> published = new ConcurrentHashMap<>();
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
    long[] sum = pending.get(key);
    long pendingBytes = sum == null ? 0 : sum[0];
    long pendingPackets = sum == null ? 0 : sum[1];
    Totals total = current.getOrDefault(key, Totals.ZERO);
    try {
      Math.addExact(total.bytes(), Math.addExact(pendingBytes, bytes));
      Math.addExact(total.packets(), Math.addExact(pendingPackets, packets));
    } catch (ArithmeticException overflow) {
      return false;
    }
    if (sum == null) {
      sum = new long[2];
      pending.put(key, sum);
    }
    sum[0] = pendingBytes + bytes;
    sum[1] = pendingPackets + packets;
    return true;
  }

  /**
   * Makes the store's committed totals visible to scrapes. Called by the processor of an active
   * task, after restoration, so the inner store holds exactly the committed totals.
   */
  public void activate() {
    resetMemory();
    current.putAll(readStore());
    published.putAll(current);
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
    writePending();
  }

  /**
   * The task is being recycled (active to standby or back): what was pending will not be
   * committed by this store; the changelog has the truth.
   */
  @Override
  public void clearCache() {
    pending.clear();
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

  private void writePending() {
    if (pending.isEmpty()) {
      return;
    }
    for (Map.Entry<SeriesKey, long[]> e : pending.entrySet()) {
      SeriesKey key = e.getKey();
      long[] delta = e.getValue();
      Totals total = current.getOrDefault(key, Totals.ZERO).plus(delta[0], delta[1]);
      current.put(key, total);
      inner.put(Bytes.wrap(key.toBytes()), total.toBytes());
      written.add(key);
    }
    pending.clear();
    committed.written(this);
  }

  /** The transaction holding the written totals has committed: scrapes may see them now. */
  void publishWritten() {
    for (SeriesKey key : written) {
      published.put(key, current.get(key));
    }
    written.clear();
  }

  /**
   * What the inner key-value store holds, decoded: the totals written so far (committed or in
   * the open transaction). Reads the whole store; for tests and diagnostics, stream thread only.
   */
  public Map<SeriesKey, Totals> readStore() {
    Map<SeriesKey, Totals> all = new HashMap<>();
    try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        all.put(SeriesKey.fromBytes(kv.key.get()), Totals.fromBytes(kv.value));
      }
    }
    return all;
  }

  /** Committed totals per series of this partition; safe to read from any thread. */
  public Map<SeriesKey, Totals> published() {
    return published;
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

  private void resetMemory() {
    pending.clear();
    current.clear();
    written.clear();
    published.clear();
  }
}
