package io.flowexporter.topology.aggregate;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Forwards records from a processor while its task commits, outside {@code process()} and
 * punctuations: the first stage sends what it counted since the last commit inside the very
 * transaction that commits the input offsets of those records.
 *
 * <p>Kafka Streams offers no public hook before a commit; its own caching stores forward their
 * buffered records at exactly this moment, through the same internal calls used here (they set the
 * forwarding node and a record context, as {@code TimestampedCacheFlushListener} does). {@code
 * CommitOrderTest} pins the contract: forwarded during the flush, sent before the offsets are
 * committed. Captured in {@code init()}, where the context's current node is the processor's.
 */
final class CommitTimeForwarder<K, V> {

  private final InternalProcessorContext<K, V> context;
  private final ProcessorNode<?, ?, ?, ?> node;
  private final String topic;

  CommitTimeForwarder(ProcessorContext<K, V> context, String topic) {
    if (!(context instanceof InternalProcessorContext<K, V> internal)
        || internal.currentNode() == null) {
      throw new IllegalStateException(
          "commit-time forwarding needs Kafka Streams' own processor context, from init()");
    }
    this.context = internal;
    this.node = internal.currentNode();
    this.topic = topic;
  }

  void forward(Record<K, V> record) {
    forward(record, null);
  }

  /** Forwards to one child only, or to all when {@code child} is null. */
  void forward(Record<K, V> record, String child) {
    ProcessorNode<?, ?, ?, ?> previousNode = context.currentNode();
    ProcessorRecordContext previousRecord = context.recordContext();
    context.setCurrentNode(node);
    context.setRecordContext(
        new ProcessorRecordContext(
            record.timestamp(), -1, context.taskId().partition(), topic, new RecordHeaders()));
    try {
      if (child == null) {
        context.forward(record);
      } else {
        context.forward(record, child);
      }
    } finally {
      context.setCurrentNode(previousNode);
      context.setRecordContext(previousRecord);
    }
  }
}
