package io.flowexporter.topology;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.FlowCountingProcessor;
import io.flowexporter.topology.aggregate.InvalidRecordLog;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.aggregate.SeriesTotalsStoreBuilder;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowParser;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.Topology;

/**
 * The flow-exporter topology: pmacct JSON from one topic, counted per series into a state store.
 *
 * <pre>
 *   [input topic]  key: ignored, value: pmacct JSON (one object, or several newline-separated)
 *        |
 *   pmacct-flows (source)
 *        |
 *   count-flows (processor)  ---  flow-totals (store, changelog: &lt;application.id&gt;-flow-totals-changelog)
 *                                 key: bucket number, value: the bucket's series and totals
 *                                 (see SeriesBuckets in the aggregate package)
 * </pre>
 *
 * <p>There is no repartition topic: each partition's task keeps totals for the records it reads,
 * and the same series may have totals in several partitions; {@link CommittedTotals#snapshot()}
 * sums them when metrics are scraped. Names of nodes and the store are stable: the changelog topic
 * name derives from them.
 */
public final class FlowTopology {

  public static final String SOURCE = "pmacct-flows";
  public static final String PROCESSOR = "count-flows";
  public static final String STORE = "flow-totals";

  private FlowTopology() {}

  /** Builds the topology; no broker, thread or clock is touched. */
  public static Topology build(
      TopologyConfig config, AsnLookup asn, CommittedTotals committed, RecordOutcomes outcomes) {
    FlowParser parser = new FlowParser();
    FlowClassifier classifier =
        new FlowClassifier(
            config.ownAsns(), config.asnFromIp(), config.defaultSamplingRate(), asn);
    InvalidRecordLog invalidLog = new InvalidRecordLog();
    Topology topology = new Topology();
    topology.addSource(
        SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.inputTopic());
    topology.addProcessor(
        PROCESSOR, () -> new FlowCountingProcessor(STORE, parser, classifier, outcomes, invalidLog), SOURCE);
    topology.addStateStore(new SeriesTotalsStoreBuilder(STORE, committed), PROCESSOR);
    return topology;
  }
}
