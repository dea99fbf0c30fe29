package io.flowexporter.topology.aggregate;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds {@link SeriesTotalsStore}s around a logged RocksDB key-value store (no caching layer: the
 * store sums between commits itself). Logging is always on: the changelog is what makes totals
 * survive restarts and lost state directories.
 *
 * <p>RocksDB holds only the serialized {@linkplain SeriesBuckets buckets}, a few hundred to a few
 * thousand entries per owner partition. It is there for its checkpoints: a clean restart reads the
 * store from the state directory instead of replaying the changelog (whose newest segment Kafka
 * never compacts), and the state directory keeps the process id, hence the exactly-once
 * transactional ids, stable across restarts.
 */
public final class SeriesTotalsStoreBuilder implements StoreBuilder<SeriesTotalsStore> {

  private final StoreBuilder<KeyValueStore<Bytes, byte[]>> inner;
  private final CommittedTotals committed;
  private final SeriesLimits limits;

  public SeriesTotalsStoreBuilder(String name, CommittedTotals committed, SeriesLimits limits) {
    this.inner =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
            .withCachingDisabled()
            .withLoggingEnabled(Map.of());
    this.committed = committed;
    this.limits = limits;
  }

  @Override
  public SeriesTotalsStore build() {
    return new SeriesTotalsStore(inner.build(), committed, limits);
  }

  @Override
  public StoreBuilder<SeriesTotalsStore> withCachingEnabled() {
    throw new UnsupportedOperationException("the series store sums between commits itself");
  }

  @Override
  public StoreBuilder<SeriesTotalsStore> withCachingDisabled() {
    return this;
  }

  @Override
  public StoreBuilder<SeriesTotalsStore> withLoggingEnabled(Map<String, String> config) {
    inner.withLoggingEnabled(config);
    return this;
  }

  @Override
  public StoreBuilder<SeriesTotalsStore> withLoggingDisabled() {
    throw new UnsupportedOperationException("totals without a changelog would not survive a crash");
  }

  @Override
  public Map<String, String> logConfig() {
    return inner.logConfig();
  }

  @Override
  public boolean loggingEnabled() {
    return inner.loggingEnabled();
  }

  @Override
  public String name() {
    return inner.name();
  }
}
