package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.flow.InvalidReason;
import io.flowexporter.topology.flow.ParseListener;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts each pmacct message of one partition into that partition's {@link SeriesTotalsStore}.
 * Forwards nothing: the totals leave through the store. One instance per stream task.
 */
public final class FlowCountingProcessor implements Processor<byte[], byte[], Void, Void>, ParseListener {

  private final String storeName;
  private final FlowParser parser;
  private final FlowClassifier classifier;
  private final RecordOutcomes outcomes;
  private final InvalidRecordLog invalidLog;
  private SeriesTotalsStore store;

  public FlowCountingProcessor(
      String storeName,
      FlowParser parser,
      FlowClassifier classifier,
      RecordOutcomes outcomes,
      InvalidRecordLog invalidLog) {
    this.storeName = storeName;
    this.invalidLog = invalidLog;
    this.parser = parser;
    this.classifier = classifier;
    this.outcomes = outcomes;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    store.activate();
  }

  @Override
  public void process(Record<byte[], byte[]> message) {
    parser.parse(message.value(), this);
  }

  @Override
  public void record(FlowRecord r) {
    // The labels without a SeriesKey: the store finds the series from them without allocating.
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
    if (!store.add(direction, r.hostname(), src, dst, bytes, packets)) {
      invalid(InvalidReason.OUT_OF_RANGE, r.toString());
      return;
    }
    outcomes.counted();
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

  @Override
  public void close() {
    if (store != null) {
      store.deactivate();
    }
  }
}
