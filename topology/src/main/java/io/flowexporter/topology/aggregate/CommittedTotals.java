package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.series.SeriesKey;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The committed totals of every active task of this instance, and the hand-over that makes
 * written totals committed.
 *
 * <p>Kafka Streams flushes state stores before it commits, and offers stores no call once the
 * commit has succeeded. So the Kafka clients are wrapped (in the app module): after the stream
 * thread's producer commits its transaction (exactly-once) or its consumer commits offsets
 * (at-least-once), the wrapper calls {@link #committed()} on that same thread, and every store that
 * thread flushed since publishes what it wrote. {@link #aborted()} drops that list: the tasks of an
 * aborted transaction are closed and restored from the changelog.
 *
 * <p>Threading: {@link #written}, {@link #committed()} and {@link #aborted()} are called on stream
 * threads and keep per-thread lists; {@link #snapshot()} may be called from any thread.
 */
public final class CommittedTotals {

  private final Set<SeriesTotalsStore> active = new CopyOnWriteArraySet<>();
  private final AtomicLongArray overflowed = new AtomicLongArray(128);
  private final Map<SeriesKey, Integer> ids = new HashMap<>(); // guarded by this
  private volatile SeriesKey[] keysById = new SeriesKey[64];
  private volatile int idCount;
  private final ThreadLocal<Set<SeriesTotalsStore>> writtenOnThisThread =
      ThreadLocal.withInitial(() -> Collections.newSetFromMap(new IdentityHashMap<>()));

  /**
   * The instance-wide number of a series, given the first time any partition of this instance sees
   * it: scrapes sum the partitions into arrays by this number instead of merging hash maps, whose
   * random access into a large map cost more than everything else a scrape does. Stream threads,
   * once per series and partition.
   */
  synchronized int idOf(SeriesKey key) {
    Integer known = ids.get(key);
    if (known != null) {
      return known;
    }
    int id = idCount;
    if (id == keysById.length) {
      keysById = Arrays.copyOf(keysById, id * 2);
    }
    keysById[id] = key;
    ids.put(key, id);
    idCount = id + 1; // volatile: publishes keysById[id] to scrapes
    return id;
  }

  /** The key of a series number; the same instance for every partition. */
  SeriesKey keyOf(int id) {
    return keysById[id];
  }

  void register(SeriesTotalsStore store) {
    active.add(store);
  }

  void unregister(SeriesTotalsStore store) {
    active.remove(store);
  }

  /** A store wrote totals inside the current transaction of the calling stream thread. */
  void written(SeriesTotalsStore store) {
    writtenOnThisThread.get().add(store);
  }

  /** The calling stream thread's transaction or offset commit has succeeded. */
  public void committed() {
    Set<SeriesTotalsStore> stores = writtenOnThisThread.get();
    for (SeriesTotalsStore store : stores) {
      store.publishWritten();
    }
    stores.clear();
  }

  /** The calling stream thread's transaction was aborted: what it wrote will never be published. */
  public void aborted() {
    writtenOnThisThread.get().clear();
  }

  /** A label set of a family was not admitted and counted into the overflow series; any thread. */
  void overflowed(int family) {
    overflowed.incrementAndGet(family);
  }

  /** Deltas of not-admitted label sets counted into a family's overflow series since start. */
  public long overflowedTotal(int family) {
    return overflowed.get(family);
  }

  /** Series of a family this instance exposes, its overflow series included. */
  public int seriesOf(int family) {
    int n = 0;
    for (SeriesTotalsStore store : active) {
      n += store.seriesOf(family);
    }
    return n;
  }

  /** How many partitions' totals are exposed. */
  public int activeStores() {
    return active.size();
  }

  /**
   * Committed totals per series of this instance's owner partitions. Each series has one owner
   * partition; the sum guards a moment when a store being replaced and its successor overlap.
   */
  public Map<SeriesKey, Totals> snapshot() {
    int count = idCount; // series numbered later are left to the next scrape, in every partition
    SeriesKey[] keys = keysById;
    long[] sums = new long[3 * count];
    BitSet present = new BitSet(count);
    for (SeriesTotalsStore store : active) {
      store.forEachPublished((id, bytes, packets, flows) -> {
        if (id < count) {
          sums[3 * id] = Sums.saturated(sums[3 * id], bytes);
          sums[3 * id + 1] = Sums.saturated(sums[3 * id + 1], packets);
          sums[3 * id + 2] = Sums.saturated(sums[3 * id + 2], flows);
          present.set(id);
        }
      });
    }
    // Linked: /metrics walks the entries in series-number order, the order they were allocated
    // in, which the CPU caches follow far better than a hash table's order.
    Map<SeriesKey, Totals> sum = new LinkedHashMap<>((int) (present.cardinality() / 0.75f) + 1);
    for (int id = present.nextSetBit(0); id >= 0; id = present.nextSetBit(id + 1)) {
      sum.put(keys[id], new Totals(sums[3 * id], sums[3 * id + 1], sums[3 * id + 2]));
    }
    return sum;
  }
}
