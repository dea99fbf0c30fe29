package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The committed totals of every active task of this instance, and the hand-over that makes written
 * totals committed.
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
  private final AtomicLongArray overflowed = new AtomicLongArray(SeriesFamily.IDS);
  private final ThreadLocal<Set<SeriesTotalsStore>> writtenOnThisThread =
      ThreadLocal.withInitial(() -> Collections.newSetFromMap(new IdentityHashMap<>()));

  /**
   * The last totals each owner partition published here, by partition: those of its registered
   * store, or, while the partition's store is closed for a while and the partition stays here (a
   * revived task, a rebalance that keeps it), the last ones it showed, until {@link #forget}.
   */
  private final Map<Integer, SeriesTotalsStore.Published> lastViews = new HashMap<>();

  /**
   * Makes a store's published totals part of every snapshot. A store of the same task that is still
   * registered (a task revived on another path before its old store was closed) is replaced: each
   * series has one owner partition, and a snapshot must show it once.
   */
  synchronized void register(SeriesTotalsStore store) {
    if (store.taskId() != null) {
      active.removeIf(other -> store.taskId().equals(other.taskId()));
    }
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

  /**
   * {@code n} deltas of label sets of a family that were not admitted, counted into the overflow
   * series, have been committed; any thread.
   */
  void overflowed(int family, long n) {
    overflowed.addAndGet(family, n);
  }

  /** Deltas of not-admitted label sets counted into a family's overflow series since start. */
  public long overflowedTotal(int family) {
    return overflowed.get(family);
  }

  /**
   * Series of a family this instance exposes, its overflow series included: those of {@link
   * #scrape()}, committed and kept while their partition is restored.
   */
  public synchronized int seriesOf(int family) {
    int n = 0;
    for (SeriesTotalsStore.Published view : views()) {
      n += view.seriesOf(family);
    }
    return n;
  }

  /**
   * How many owner partitions {@link #scrape()} shows: those of registered stores, and those kept
   * while their store is restored.
   */
  public synchronized int partitionsShown() {
    return views().size();
  }

  /** How many partitions have a registered store. */
  public int activeStores() {
    return active.size();
  }

  /**
   * The committed totals of every series of this instance's owner partitions, for a scrape; any
   * thread. A store publishing meanwhile is read before or after its publication, per series.
   */
  public TotalsSnapshot totals() {
    List<SeriesTotalsStore.Published> views = new ArrayList<>();
    for (SeriesTotalsStore store : active) {
      views.add(store.published());
    }
    return totalsOf(views);
  }

  private static TotalsSnapshot totalsOf(Collection<SeriesTotalsStore.Published> views) {
    // One view per store, taken once: a store that publishes while the arrays are filled must not
    // take the room of another store's series.
    int capacity = 0;
    for (SeriesTotalsStore.Published view : views) {
      capacity += view.count();
    }
    SeriesKey[] keys = new SeriesKey[capacity];
    long[] sums = new long[3 * capacity];
    int size = 0;
    for (SeriesTotalsStore.Published view : views) {
      size = view.copyInto(keys, sums, size);
    }
    return new TotalsSnapshot(keys, sums, size);
  }

  /**
   * The totals a scrape shows: every registered store's, and the last ones of each owner partition
   * still here whose store is being restored, so that a series does not vanish from scrapes while
   * its partition is restored and come back. A partition that left this instance must be {@link
   * #forget forgotten} (or its store registered again) before another instance exposes it.
   */
  public synchronized TotalsSnapshot scrape() {
    return totalsOf(views());
  }

  /**
   * The last published view of each owner partition still here, refreshed from the registered
   * stores; stores outside any task (built by tests) are included as they are.
   */
  private List<SeriesTotalsStore.Published> views() {
    List<SeriesTotalsStore.Published> untasked = new ArrayList<>(0);
    for (SeriesTotalsStore store : active) {
      if (store.taskId() != null) {
        lastViews.put(store.taskId().partition(), store.published());
      } else {
        untasked.add(store.published());
      }
    }
    untasked.addAll(lastViews.values());
    return untasked;
  }

  /** Owner partitions that left this instance (revoked, lost): their totals leave scrapes now. */
  public synchronized void forget(Collection<Integer> partitions) {
    lastViews.keySet().removeAll(partitions);
  }

  /**
   * Keeps only the totals of registered stores: every partition this instance holds has its store
   * registered (the stream is RUNNING), or the instance is shutting down.
   */
  public synchronized void forgetUnregistered() {
    Set<Integer> registered = new HashSet<>();
    for (SeriesTotalsStore store : active) {
      if (store.taskId() != null) {
        registered.add(store.taskId().partition());
      }
    }
    lastViews.keySet().retainAll(registered);
  }

  /** {@link #totals()} as a map; for tests, the demo and diagnostics. */
  public Map<SeriesKey, Totals> snapshot() {
    return totals().asMap();
  }
}
