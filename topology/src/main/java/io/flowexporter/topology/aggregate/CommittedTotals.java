package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.enrich.SeriesKey;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

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
  private final ThreadLocal<Set<SeriesTotalsStore>> writtenOnThisThread =
      ThreadLocal.withInitial(() -> Collections.newSetFromMap(new IdentityHashMap<>()));

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

  /** How many partitions' totals are exposed. */
  public int activeStores() {
    return active.size();
  }

  /**
   * Committed totals per series, summed over this instance's partitions: without a repartition
   * topic, one series collects records in every partition.
   */
  public Map<SeriesKey, Totals> snapshot() {
    int largest = 0;
    for (SeriesTotalsStore store : active) {
      largest = Math.max(largest, store.publishedSeries());
    }
    // Sized for the largest partition: every series is usually in every partition.
    Map<SeriesKey, Totals> sum = new HashMap<>((int) (largest / 0.75f) + 1);
    for (SeriesTotalsStore store : active) {
      store.forEachPublished((key, bytes, packets) -> {
        Totals t = sum.get(key);
        sum.put(key, t == null ? new Totals(bytes, packets) : t.plus(bytes, packets));
      });
    }
    return sum;
  }
}
