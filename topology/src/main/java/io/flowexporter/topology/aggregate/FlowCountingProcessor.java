package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.flow.InvalidReason;
import io.flowexporter.topology.flow.ParseListener;
import io.flowexporter.topology.series.CountedFlow;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKeyWriter;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The first stage: counts each pmacct message of one input partition into pending sums per series
 * of every family, and forwards those sums, one {@link DeltaBatch} per owner slot, when the task
 * commits. One instance per stream task.
 */
public final class FlowCountingProcessor implements Processor<byte[], byte[], byte[], byte[]>, ParseListener {

  private final String storeName;
  private final String inputTopic;
  private final FlowParser parser;
  private final FlowClassifier classifier;
  private final SeriesFamilies families;
  private final RecordOutcomes outcomes;
  private final InvalidRecordLog invalidLog;
  private final CountedFlow flow = new CountedFlow();
  private PendingDeltas pending;
  private SeriesKeyWriter keys;
  private CommitTimeForwarder<byte[], byte[]> forwarder;
  private ProcessorContext<byte[], byte[]> context;

  public FlowCountingProcessor(
      String storeName,
      String inputTopic,
      FlowParser parser,
      FlowClassifier classifier,
      SeriesFamilies families,
      RecordOutcomes outcomes,
      InvalidRecordLog invalidLog) {
    this.storeName = storeName;
    this.inputTopic = inputTopic;
    this.parser = parser;
    this.classifier = classifier;
    this.families = families;
    this.outcomes = outcomes;
    this.invalidLog = invalidLog;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    PendingDeltasStore store = context.getStateStore(storeName);
    pending = store.pending();
    keys = new SeriesKeyWriter(pending);
    forwarder = new CommitTimeForwarder<>(context, inputTopic);
    store.onFlush(this::forwardPending);
  }

  @Override
  public void process(Record<byte[], byte[]> message) {
    parser.parse(message.value(), this);
  }

  @Override
  public void record(FlowRecord r) {
    long src = classifier.sourceAs(r);
    long dst = classifier.destinationAs(r);
    Direction direction = classifier.directionOf(src, dst);
    if (direction == null) {
      outcomes.unmatched();
      return;
    }
    long rate = classifier.samplingRate(r);
    long bytes;
    long packets;
    try {
      bytes = Math.multiplyExact(r.bytes(), rate);
      packets = Math.multiplyExact(r.packets(), rate);
    } catch (ArithmeticException e) {
      invalid(InvalidReason.OUT_OF_RANGE, r.toString());
      return;
    }
    pending.amounts(bytes, packets, r.flows());
    flow.set(r, direction, src, dst);
    for (SeriesFamily family : families.all()) {
      keys.use(family, direction);
      family.extractor().extract(flow, keys);
    }
    outcomes.counted();
  }

  /** Sends the pending sums downstream; called by the store while the task commits. */
  private void forwardPending() {
    long now = context.currentSystemTimeMs();
    pending.drain((slot, value) -> forwarder.forward(new Record<>(DeltaBatch.slotKey(slot), value, now)));
  }

  @Override
  public void marker() {
    outcomes.marker();
  }

  @Override
  public void invalid(InvalidReason reason, String sample) {
    outcomes.invalid(reason);
    invalidLog.report(reason, sample);
  }
}
