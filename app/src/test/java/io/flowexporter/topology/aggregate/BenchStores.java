package io.flowexporter.topology.aggregate;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.document.FlowDocuments;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesKey;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Benchmark access to the real stores without Kafka Streams: the owner's {@link SeriesTotalsStore}
 * with an inner key-value store that keeps nothing (in the exporter it is RocksDB, holding the
 * serialized buckets off the heap), and the first stage's {@link FlowCountingProcessor} whose
 * commit-time batches go straight into an owner store instead of through the repartition topic. In
 * the app module's test sources, in the topology's package, so the benchmark measures the real code
 * rather than a copy of it.
 */
public final class BenchStores {

  private BenchStores() {}

  /** An active store registered with {@code committed}, as an active task's store is. */
  public static SeriesTotalsStore activeStore(CommittedTotals committed) {
    SeriesTotalsStore store =
        new SeriesTotalsStore(
            discardingInner(), committed, new SeriesLimits(Integer.MAX_VALUE, Duration.ofDays(30)));
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

  /** Adds a series' totals to the owner store the way the second stage does. */
  public static void add(SeriesTotalsStore store, SeriesKey key, long bytes, long packets) {
    store.add(key.bytes(), 0, key.bytes().length, bytes, packets, 1, System.currentTimeMillis());
  }

  /**
   * The first stage with its own pending store; {@link Stage1#commit} hands its batches to {@code
   * owner}.
   */
  public static Stage1 stage1(
      FlowParser parser,
      FlowClassifier classifier,
      RecordOutcomes outcomes,
      SeriesTotalsStore owner) {
    return stage1(parser, classifier, outcomes, owner, FlowDocuments.NONE);
  }

  /**
   * The first stage writing flow documents: to {@code documents}' log as configured, and, with a
   * topic, forwarded to a documents child that drops them (the producer's cost is not in-process).
   */
  public static Stage1 stage1(
      FlowParser parser,
      FlowClassifier classifier,
      RecordOutcomes outcomes,
      SeriesTotalsStore owner,
      FlowDocuments documents) {
    PendingDeltasStore pending = new PendingDeltasStore("bench-pending");
    boolean toTopic = documents.topic().isPresent();
    FlowCountingProcessor processor =
        new FlowCountingProcessor(
            "bench-pending",
            "bench",
            parser,
            classifier,
            SeriesFamilies.asOnly(),
            outcomes,
            new InvalidRecordLog(),
            documents,
            AsnLookup.EMPTY,
            toTopic ? "deltas" : null,
            toTopic ? "documents" : null,
            0);
    processor.init(forwardingInto(pending, owner));
    return new Stage1(processor, pending, owner);
  }

  /** A first-stage processor, its pending store and the owner store its batches go to. */
  public record Stage1(
      FlowCountingProcessor processor, PendingDeltasStore pending, SeriesTotalsStore owner) {
    public void process(byte[] value) {
      processor.process(new Record<>(null, value, 0L));
    }

    /**
     * A commit of both stages: the batches are forwarded and added, then both stores flush and
     * publish.
     */
    public void commit(CommittedTotals committed) {
      pending.flushCache();
      BenchStores.commit(committed, owner);
    }
  }

  /**
   * Where every bench record is said to come from: the event ids need a topic, partition and
   * offset.
   */
  private static final RecordMetadata METADATA =
      new RecordMetadata() {
        @Override
        public String topic() {
          return "bench";
        }

        @Override
        public int partition() {
          return 0;
        }

        @Override
        public long offset() {
          return 123_456_789L;
        }
      };

  @SuppressWarnings("unchecked")
  private static InternalProcessorContext<byte[], byte[]> forwardingInto(
      PendingDeltasStore pending, SeriesTotalsStore owner) {
    ProcessorNode<byte[], byte[], byte[], byte[]> node = new ProcessorNode<>("bench-count");
    return (InternalProcessorContext<byte[], byte[]>)
        Proxy.newProxyInstance(
            BenchStores.class.getClassLoader(),
            new Class<?>[] {InternalProcessorContext.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getStateStore" -> pending;
                  case "currentNode" -> node;
                  case "taskId" -> new TaskId(0, 0);
                  case "currentSystemTimeMs" -> System.currentTimeMillis();
                  case "recordMetadata" -> Optional.of(METADATA);
                  case "forward" -> {
                    if (args.length > 1 && "documents".equals(args[1])) {
                      yield null;
                    }
                    Record<byte[], byte[]> batch = (Record<byte[], byte[]>) args[0];
                    long now = System.currentTimeMillis();
                    DeltaBatch.decode(
                        batch.value(),
                        (key, offset, length, bytes, packets, flows) ->
                            owner.add(key, offset, length, bytes, packets, flows, now));
                    yield null;
                  }
                  default -> null;
                });
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
