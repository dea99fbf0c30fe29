package io.flowexporter.topology.aggregate;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.document.EcsDocuments;
import io.flowexporter.topology.document.EventIds;
import io.flowexporter.topology.document.FlowDocuments;
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
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The first stage: counts each pmacct message of one input partition into pending sums per series
 * of every family, and forwards those sums, one {@link DeltaBatch} per owner slot, when the task
 * commits. One instance per stream task.
 *
 * <p>With {@link FlowDocuments} enabled, each counted record that the filter selects also becomes
 * an ECS document: forwarded at once to the documents' sink (so it is inside the transaction that
 * commits the record's offset), and appended to the document log, which is flushed before every
 * commit.
 */
public final class FlowCountingProcessor
    implements Processor<byte[], byte[], byte[], byte[]>, ParseListener {

  private final String storeName;
  private final String inputTopic;
  private final FlowParser parser;
  private final FlowClassifier classifier;
  private final SeriesFamilies families;

  private final RecordOutcomes outcomes;

  private final InvalidRecordLog invalidLog;
  private final CountedFlow flow;
  private PendingDeltas pending;
  private SeriesKeyWriter keys;
  private CommitTimeForwarder<byte[], byte[]> forwarder;
  private long newestInputMs = Long.MIN_VALUE;

  /** How often a time mark goes to every owner partition; 0: at every commit that counted. */
  private final long timeMarkIntervalMs;

  /** When the next time mark is due (the first commit sends one). */
  private long nextTimeMarkMs = Long.MIN_VALUE;

  private boolean firstCommitAsked;
  private ProcessorContext<byte[], byte[]> context;

  /** Null when no documents are written: the per-record cost is then one null check. */
  private final FlowDocuments documents;

  private final AsnLookup names;

  /**
   * The child that takes the deltas, or null for all: set when the documents' sink is a second
   * child.
   */
  private final String deltasChild;

  private final String documentsChild;
  private EcsDocuments ecs;
  private Record<byte[], byte[]> message;
  private RecordMetadata messageMetadata;
  private int lineStart;
  private int lineEnd;
  private int line;

  public FlowCountingProcessor(
      String storeName,
      String inputTopic,
      FlowParser parser,
      FlowClassifier classifier,
      SeriesFamilies families,
      RecordOutcomes outcomes,
      InvalidRecordLog invalidLog) {
    this(
        storeName,
        inputTopic,
        parser,
        classifier,
        families,
        outcomes,
        invalidLog,
        FlowDocuments.NONE,
        AsnLookup.EMPTY,
        null,
        null,
        0);
  }

  /**
   * @param documents the documents to write, or {@link FlowDocuments#NONE}
   * @param names AS names for the documents
   * @param deltasChild the child node the deltas go to, when there are several children
   * @param documentsChild the child node (a sink) the documents go to, when they go to a topic
   * @param timeMarkIntervalMs how often a time mark goes to every owner partition ({@link
   *     SeriesLimits#timeMarkInterval()}); 0 for at every commit that counted
   */
  public FlowCountingProcessor(
      String storeName,
      String inputTopic,
      FlowParser parser,
      FlowClassifier classifier,
      SeriesFamilies families,
      RecordOutcomes outcomes,
      InvalidRecordLog invalidLog,
      FlowDocuments documents,
      AsnLookup names,
      String deltasChild,
      String documentsChild,
      long timeMarkIntervalMs) {
    this.timeMarkIntervalMs = timeMarkIntervalMs;
    this.documents = documents.enabled() ? documents : null;
    this.names = names;
    this.deltasChild = deltasChild;
    this.documentsChild = documentsChild;
    this.storeName = storeName;
    this.inputTopic = inputTopic;
    this.parser = parser;
    this.classifier = classifier;
    this.families = families;
    this.outcomes = outcomes;
    this.invalidLog = invalidLog;
    this.flow = new CountedFlow(classifier);
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    // A revived or recycled task initialises the same processor again, and reads on from its
    // last commit: what it had read past that is read again, and not yet reported.
    firstCommitAsked = false;
    newestInputMs = Long.MIN_VALUE;
    nextTimeMarkMs = Long.MIN_VALUE; // a task revived or moved here tells its owners at once
    PendingDeltasStore store = context.getStateStore(storeName);
    pending = store.pending();
    keys = new SeriesKeyWriter(pending);
    forwarder = new CommitTimeForwarder<>(context, inputTopic);
    store.onFlush(this::forwardPending);
    if (documents != null) {
      ecs = new EcsDocuments(names, classifier, documents.maxBytes());
      documents.log().ifPresent(log -> store.beforeCommit(log::flush));
    }
  }

  @Override
  public void process(Record<byte[], byte[]> message) {
    if (!firstCommitAsked) {
      // The task's first commit right after the stream thread's first round of processing (its
      // first record here), not a commit interval later: after a start, a rebalance or a revival
      // the counts move on, and reach the owners, sooner. One small transaction more per task.
      firstCommitAsked = true;
      context.commit();
    }
    newestInputMs = Math.max(newestInputMs, message.timestamp());
    if (documents != null) {
      this.message = message;
      this.messageMetadata = context.recordMetadata().orElse(null);
    }
    parser.parse(message.value(), this);
  }

  @Override
  public void record(FlowRecord r, int start, int end, int line) {
    this.lineStart = start;
    this.lineEnd = end;
    this.line = line;
    record(r);
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
    long bytes;
    long packets;
    try {
      bytes = classifier.sampledBytes(r);
      packets = classifier.sampledPackets(r);
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
    if (documents != null && documents.filter().matches(flow)) {
      writeDocument(bytes, packets);
    }
  }

  private void writeDocument(long bytes, long packets) {
    RecordMetadata m = messageMetadata;
    String id =
        m == null
            ? EventIds.of(inputTopic, -1, -1, line)
            : EventIds.of(m.topic(), m.partition(), m.offset(), line);
    byte[] doc =
        ecs.document(
            flow, bytes, packets, message.value(), lineStart, lineEnd, id, message.timestamp());
    if (documentsChild != null) {
      context.forward(
          new Record<>(
              id.getBytes(java.nio.charset.StandardCharsets.UTF_8), doc, message.timestamp()),
          documentsChild);
    }
    if (documents.log().isPresent()) {
      documents.log().get().append(doc);
    }
  }

  /**
   * Sends the pending sums downstream; called by the store while the task commits. Each batch
   * carries the time of the newest input record since the last flush (never later than now) in a
   * header, so that owners can tell live traffic from a backlog being caught up ({@link
   * CommitPacer#isLive}). The batch's own timestamp stays the flush time: input times can be days
   * old, and the repartition topic's retention and the broker's timestamp checks go by it. Then,
   * when one is due, a {@linkplain DeltaBatch#timeMark() time mark} to every owner partition: how
   * far this input partition has read, also for owners none of whose series changed here.
   */
  private void forwardPending() {
    long now = context.currentSystemTimeMs();
    long newest = newestInputMs == Long.MIN_VALUE ? now : Math.min(now, newestInputMs);
    newestInputMs = Long.MIN_VALUE;
    int input = context.taskId().partition();
    pending.drain(
        (slot, value) ->
            forwarder.forward(
                new Record<>(
                    DeltaBatch.slotKey(slot), value, now, DeltaBatch.inputHeaders(input, newest)),
                deltasChild));
    if (now >= nextTimeMarkMs) {
      forwarder.forward(
          new Record<>(
              DeltaBatch.slotKey(0),
              DeltaBatch.timeMark(),
              now,
              DeltaBatch.inputHeaders(input, newest)),
          deltasChild);
      nextTimeMarkMs = now + timeMarkIntervalMs;
    }
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
