package io.flowexporter.topology.aggregate;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The second stage: adds each {@link DeltaBatch} from the repartition topic to the series this
 * owner partition owns, and drops series past their TTL. Forwards nothing: totals leave through
 * the store's published view. One instance per stream task.
 */
public final class SeriesOwnerProcessor implements Processor<byte[], byte[], Void, Void> {

  private final String storeName;
  private final SeriesLimits limits;
  private SeriesTotalsStore store;
  private ProcessorContext<Void, Void> context;

  public SeriesOwnerProcessor(String storeName, SeriesLimits limits) {
    this.storeName = storeName;
    this.limits = limits;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    store = context.getStateStore(storeName);
    store.activate();
    context.schedule(limits.expiryCheckInterval(), PunctuationType.WALL_CLOCK_TIME,
        now -> store.expire(now - limits.ttl().toMillis()));
  }

  @Override
  public void process(Record<byte[], byte[]> batch) {
    long now = context.currentSystemTimeMs();
    DeltaBatch.decode(batch.value(),
        (key, offset, length, bytes, packets, flows) -> store.add(key, offset, length, bytes, packets, flows, now));
  }

  @Override
  public void close() {
    if (store != null) {
      store.deactivate();
    }
  }
}
