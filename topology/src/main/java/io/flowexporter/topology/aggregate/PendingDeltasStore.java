package io.flowexporter.topology.aggregate;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The first stage's {@link PendingDeltas} as a state store, for one reason: Kafka Streams calls
 * {@link #flushCache()} on its stores when a task prepares to commit, before the offsets are
 * committed (and before the transaction commits, under exactly-once). That is when the pending sums
 * must leave, so that they are committed with the offsets of the records they count. There is no
 * changelog: what is pending and not committed is recounted from the input after a crash.
 *
 * <p>{@code CachedStateStore} is Kafka Streams' internal interface of caching stores; {@code
 * CommitOrderTest} pins the order flush → send → commit on which this relies.
 */
public final class PendingDeltasStore implements StateStore, CachedStateStore<Bytes, byte[]> {

  private final String name;
  private final PendingDeltas pending = new PendingDeltas();
  private Runnable onFlush = () -> {};
  private Runnable beforeCommit = () -> {};
  private boolean open;

  PendingDeltasStore(String name) {
    this.name = name;
  }

  PendingDeltas pending() {
    return pending;
  }

  /** What to do with the pending sums when the task commits; the processor's forwarding. */
  void onFlush(Runnable action) {
    onFlush = action;
  }

  /** What else must be done before every commit of the task's offsets, pending sums or not. */
  void beforeCommit(Runnable action) {
    beforeCommit = action;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    pending.clear();
    context.register(
        root,
        (key, value) -> {
          throw new IllegalStateException(
              "the pending-deltas store has no changelog to restore from");
        });
    open = true;
  }

  @Override
  public void flushCache() {
    if (!pending.isEmpty()) {
      onFlush.run();
    }
    beforeCommit.run();
  }

  /** The task's uncommitted work is dropped (it is recycled): so are its pending sums. */
  @Override
  public void clearCache() {
    pending.clear();
  }

  @Override
  public boolean setFlushListener(
      CacheFlushListener<Bytes, byte[]> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {}

  @Override
  public void close() {
    pending.clear();
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Builds one store per first-stage task; never logged, never cached by Kafka Streams. */
  public static final class Builder implements StoreBuilder<PendingDeltasStore> {
    private final String name;

    public Builder(String name) {
      this.name = name;
    }

    @Override
    public PendingDeltasStore build() {
      return new PendingDeltasStore(name);
    }

    @Override
    public StoreBuilder<PendingDeltasStore> withCachingEnabled() {
      throw new UnsupportedOperationException("the pending-deltas store is its own cache");
    }

    @Override
    public StoreBuilder<PendingDeltasStore> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<PendingDeltasStore> withLoggingEnabled(Map<String, String> config) {
      throw new UnsupportedOperationException(
          "pending sums are recounted from the input, not logged");
    }

    @Override
    public StoreBuilder<PendingDeltasStore> withLoggingDisabled() {
      return this;
    }

    @Override
    public Map<String, String> logConfig() {
      return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
      return false;
    }

    @Override
    public String name() {
      return name;
    }
  }
}
