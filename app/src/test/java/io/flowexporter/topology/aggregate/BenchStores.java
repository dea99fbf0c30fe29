package io.flowexporter.topology.aggregate;

import java.lang.reflect.Proxy;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Benchmark access to the real {@link SeriesTotalsStore} without Kafka Streams: the store's
 * package-private constructor with an inner key-value store that keeps nothing (in the exporter it
 * is RocksDB, holding the serialized buckets off the heap). In the app module's test
 * sources, in the topology's package, so the benchmark measures the real series table, published
 * view and {@link CommittedTotals#snapshot()} rather than a copy of them.
 */
public final class BenchStores {

  private BenchStores() {}

  /** An active store registered with {@code committed}, as an active task's store is. */
  public static SeriesTotalsStore activeStore(CommittedTotals committed) {
    SeriesTotalsStore store = new SeriesTotalsStore(discardingInner(), committed);
    store.activate();
    return store;
  }

  /**
   * What Kafka Streams and the commit-aware clients do at a commit: the stores flush (pending
   * becomes written), then the transaction commits and the calling thread's written totals are
   * published.
   */
  public static void commit(CommittedTotals committed, SeriesTotalsStore... stores) {
    for (SeriesTotalsStore s : stores) {
      s.flushCache();
    }
    committed.committed();
  }

  @SuppressWarnings("unchecked")
  private static KeyValueStore<Bytes, byte[]> discardingInner() {
    KeyValueIterator<Bytes, byte[]> empty =
        (KeyValueIterator<Bytes, byte[]>)
            Proxy.newProxyInstance(
                BenchStores.class.getClassLoader(),
                new Class<?>[] {KeyValueIterator.class},
                (proxy, method, args) -> method.getName().equals("hasNext") ? false : null);
    return (KeyValueStore<Bytes, byte[]>)
        Proxy.newProxyInstance(
            BenchStores.class.getClassLoader(),
            new Class<?>[] {KeyValueStore.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "all" -> empty;
                  case "name" -> "bench";
                  case "persistent", "isOpen" -> true;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> null;
                });
  }
}
