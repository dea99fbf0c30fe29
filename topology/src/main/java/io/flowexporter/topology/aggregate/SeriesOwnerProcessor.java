package io.flowexporter.topology.aggregate;

import java.time.Duration;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The second stage: adds each {@link DeltaBatch} from the repartition topic to the series this
 * owner partition owns, and drops series past their TTL. Forwards nothing: totals leave through the
 * store's published view, at the thread's next commit, which it asks for early when the batch is
 * live traffic (see {@link CommitPacer}). One instance per stream task.
 */
public final class SeriesOwnerProcessor implements Processor<byte[], byte[], Void, Void> {

  /**
   * The longest time between two reports of an input partition that {@link InputClocks} waits for
   * (a year): a longer commit interval changes nothing for expiry.
   */
  private static final long MAX_REPORT_INTERVAL = Duration.ofDays(365).toMillis();

  private final String storeName;
  private final SeriesLimits limits;
  private SeriesTotalsStore store;
  private ProcessorContext<Void, Void> context;
  private CommitPacer pacer;
  private Cancellable deferredCommit;

  /**
   * The newest input time this owner has seen, never ahead of the wall clock: what deltas are
   * stamped with.
   */
  private long inputClock = Long.MIN_VALUE;

  /**
   * The clock of expiry: input time rather than the wall clock, so that a series is not expired
   * while a backlog that holds its traffic is still being read (after an outage longer than the
   * TTL, or a restart far behind), nor while no input comes at all; never ahead of the wall clock,
   * so that a record stamped in the future by a wrong clock does not expire everything. It is the
   * time of the input partition furthest behind among those that reported lately ({@link
   * InputClocks}): after a long stop the partitions catch up at their own pace, and a series whose
   * traffic waits in the slowest one is not dropped because the fastest reached the present. Never
   * goes back.
   */
  private long expiryClock = Long.MIN_VALUE;

  private InputClocks inputs;

  public SeriesOwnerProcessor(String storeName, SeriesLimits limits) {
    this.storeName = storeName;
    this.limits = limits;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    store = context.getStateStore(storeName);
    store.activate();
    pacer = new CommitPacer(commitIntervalMs(context));
    // Whatever this thread's commit covers needs no early commit of its own any more.
    store.onFlush(pacer::flushed);
    Duration check = limits.expiryCheckInterval();
    // Reported lately: within two checks or two commit intervals, whichever is longer, and a time
    // mark interval more. An input partition that counts reports at each of its commits, to the
    // owners of what it counted, and to every owner with a time mark at most every half check
    // (SeriesLimits.timeMarkInterval): one that counts now and then, its mark not due at one of
    // its commits, may be heard of only that much later. With a long commit interval, one on
    // another thread may report only that often.
    long activeMs =
        2 * Math.min(Math.max(check.toMillis(), commitIntervalMs(context)), MAX_REPORT_INTERVAL)
            + limits.timeMarkInterval().toMillis();
    inputs = new InputClocks(activeMs, context.currentSystemTimeMs());
    context.schedule(check, PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  private void expire(long now) {
    long slowest = inputs.slowest(now);
    if (slowest == Long.MIN_VALUE) {
      return; // no input reported lately: time stands still
    }
    expiryClock = Math.max(expiryClock, Math.min(slowest, now));
    store.expire(expiryClock - limits.ttl().toMillis());
  }

  @Override
  public void process(Record<byte[], byte[]> batch) {
    long now = context.currentSystemTimeMs();
    long newestInput = DeltaBatch.newestInput(batch.headers(), batch.timestamp());
    long input = Math.min(newestInput, now);
    inputClock = Math.max(inputClock, input);
    inputs.reported(DeltaBatch.inputPartition(batch.headers()), input, now);
    if (DeltaBatch.isTimeMark(batch.value())) {
      return; // nothing to add, nothing to publish
    }
    // Stamped with the owner's clock, not the batch's own time: a series that comes only through
    // an input partition lagging behind the others (a router's partition still catching up) is
    // seen now, and not expired while its deltas keep coming.
    long seen = inputClock;
    DeltaBatch.decode(
        batch.value(),
        (key, offset, length, bytes, packets, flows) ->
            store.add(key, offset, length, bytes, packets, flows, seen));
    if (!pacer.isLive(now, newestInput)) {
      return;
    }
    if (pacer.deltasArrived(now)) {
      context.commit();
    } else if (deferredCommit == null) {
      // Only while a request waits: a punctuation marks the task as needing a commit, and an idle
      // exporter should not commit empty transactions.
      deferredCommit =
          context.schedule(pacer.tickInterval(), PunctuationType.WALL_CLOCK_TIME, this::retry);
    }
  }

  private void retry(long now) {
    if (pacer.tick(now)) {
      context.commit();
    }
    if (!pacer.waiting()) {
      deferredCommit.cancel();
      deferredCommit = null;
    }
  }

  /**
   * The thread's commit interval as Kafka Streams resolved it (its values include the defaults).
   */
  private static long commitIntervalMs(ProcessorContext<?, ?> context) {
    Object value = context.appConfigs().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
    return value == null ? 1000 : Long.parseLong(value.toString());
  }

  @Override
  public void close() {
    if (deferredCommit != null) {
      deferredCommit.cancel();
      deferredCommit = null;
    }
    if (store != null) {
      store.deactivate();
    }
  }
}
