package io.flowexporter.topology;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.DeltaPartitioner;
import io.flowexporter.topology.aggregate.FlowCountingProcessor;
import io.flowexporter.topology.aggregate.InvalidRecordLog;
import io.flowexporter.topology.aggregate.PendingDeltasStore;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.aggregate.SeriesLimits;
import io.flowexporter.topology.aggregate.SeriesOwnerProcessor;
import io.flowexporter.topology.aggregate.SeriesTotalsStoreBuilder;
import io.flowexporter.topology.document.FlowDocuments;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.series.SeriesFamilies;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The flow-exporter topology: pmacct JSON from one topic, counted in two stages so that each series
 * has one owner holding its whole total.
 *
 * <pre>
 *   [input topic]  key: ignored, value: pmacct JSON (one object, or several newline-separated)
 *        |
 *   pmacct-flows (source)
 *        |
 *   count-flows (processor) --- pending-deltas (store, in memory, no changelog)
 *        |   per input partition: sums per series of every family since the last commit,
 *        |   forwarded while the task commits, one message per owner slot
 *        |-- flow-documents (sink, only with --flow-topic)  key: event.id, value: ECS JSON,
 *        |   one per counted record the filter selects, sent while the record is processed
 *        v
 *   [&lt;application.id&gt;-series-deltas-repartition]  key: owner slot, value: DeltaBatch
 *        |
 *   own-series (processor) --- series-totals (store, changelog:
 *                               &lt;application.id&gt;-series-totals-changelog; see SeriesBuckets)
 * </pre>
 *
 * <p>The second stage's partition of a series is fixed by the series key's hash, so one instance at
 * a time exposes each series, with its total over every input partition. Only what changed in a
 * commit interval crosses the repartition topic. Names of nodes, stores and the repartition topic
 * are stable: the internal topic names derive from them.
 */
public final class FlowTopology {

  public static final String SOURCE = "pmacct-flows";
  public static final String PROCESSOR = "count-flows";
  public static final String PENDING_STORE = "pending-deltas";
  public static final String DELTAS = "series-deltas";
  public static final String OWNER = "own-series";
  public static final String STORE = "series-totals";

  /**
   * The sink of the flow documents ({@code --flow-topic}); key: event.id, value: the ECS document.
   */
  public static final String DOCUMENTS = "flow-documents";

  /** The node the DSL puts between {@code count-flows} and the repartition topic's sink. */
  static final String DELTAS_CHILD = DELTAS + "-repartition-filter";

  /** The store of flow-exporter 0.1 (per-input-partition totals, format 1). */
  public static final String PREVIOUS_STORE = "flow-totals";

  private FlowTopology() {}

  /** The repartition topic between the two stages, named by Kafka Streams after {@link #DELTAS}. */
  public static String deltasTopic(String applicationId) {
    return applicationId + "-" + DELTAS + "-repartition";
  }

  /** The AS family alone, on a topic of one partition; for tests. */
  public static Topology build(
      TopologyConfig config, AsnLookup asn, CommittedTotals committed, RecordOutcomes outcomes) {
    return build(config, 1, asn, SeriesFamilies.asOnly(), committed, outcomes);
  }

  /**
   * Builds the topology; no broker, thread or clock is touched.
   *
   * @param ownerPartitions the partitions of the repartition topic, {@link #deltasTopic}: the owner
   *     tasks, among which {@code --max-series} is shared
   */
  public static Topology build(
      TopologyConfig config,
      int ownerPartitions,
      AsnLookup asn,
      SeriesFamilies families,
      CommittedTotals committed,
      RecordOutcomes outcomes) {
    return build(
        config,
        ownerPartitions,
        asn,
        CountryLookup.EMPTY,
        families,
        committed,
        outcomes,
        FlowDocuments.NONE);
  }

  /** Without flow documents. */
  public static Topology build(
      TopologyConfig config,
      int ownerPartitions,
      AsnLookup asn,
      CountryLookup countries,
      SeriesFamilies families,
      CommittedTotals committed,
      RecordOutcomes outcomes) {
    return build(
        config, ownerPartitions, asn, countries, families, committed, outcomes, FlowDocuments.NONE);
  }

  /** Without a country database. */
  public static Topology build(
      TopologyConfig config,
      int ownerPartitions,
      AsnLookup asn,
      SeriesFamilies families,
      CommittedTotals committed,
      RecordOutcomes outcomes,
      FlowDocuments documents) {
    return build(
        config,
        ownerPartitions,
        asn,
        CountryLookup.EMPTY,
        families,
        committed,
        outcomes,
        documents);
  }

  /**
   * Builds the topology; no broker, thread or clock is touched. With a documents topic, {@code
   * count-flows} has a second child, the sink {@value #DOCUMENTS}, and sends its deltas to the
   * repartition topic's node by name.
   *
   * @param ownerPartitions the partitions of the repartition topic, {@link #deltasTopic}: the owner
   *     tasks, among which {@code --max-series} is shared. Fixed when the topic is first created
   *     (the input topic's partitions then), so that adding input partitions later moves no series
   *     to another owner
   * @param countries the country database, for the country family where pmacct gives no country
   */
  public static Topology build(
      TopologyConfig config,
      int ownerPartitions,
      AsnLookup asn,
      CountryLookup countries,
      SeriesFamilies families,
      CommittedTotals committed,
      RecordOutcomes outcomes,
      FlowDocuments documents) {
    boolean toTopic = documents.topic().isPresent();
    FlowParser parser = new FlowParser();
    FlowClassifier classifier =
        new FlowClassifier(
            config.ownAsns(), config.asnFromIp(), config.defaultSamplingRate(), asn, countries);
    SeriesLimits limits = SeriesLimits.of(config.maxSeries(), ownerPartitions, config.seriesTtl());
    InvalidRecordLog invalidLog = new InvalidRecordLog();
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(new PendingDeltasStore.Builder(PENDING_STORE));
    builder.addStateStore(new SeriesTotalsStoreBuilder(STORE, committed, limits));
    builder.stream(
            config.inputTopic(),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
        .process(
            () ->
                new FlowCountingProcessor(
                    PENDING_STORE,
                    config.inputTopic(),
                    parser,
                    classifier,
                    families,
                    outcomes,
                    invalidLog,
                    documents,
                    asn,
                    toTopic ? DELTAS_CHILD : null,
                    toTopic ? DOCUMENTS : null,
                    limits.timeMarkInterval().toMillis()),
            Named.as(PROCESSOR),
            PENDING_STORE)
        .repartition(
            Repartitioned.<byte[], byte[]>as(DELTAS)
                // Without a count, Kafka Streams sizes the topic by the input's partitions and
                // refuses to start once the input has more than the existing topic.
                .withNumberOfPartitions(ownerPartitions)
                .withKeySerde(Serdes.ByteArray())
                .withValueSerde(Serdes.ByteArray())
                .withStreamPartitioner(new DeltaPartitioner()))
        .process(() -> new SeriesOwnerProcessor(STORE, limits), Named.as(OWNER), STORE);
    Topology topology = builder.build();
    if (toTopic) {
      topology.addSink(
          DOCUMENTS,
          documents.topic().get(),
          new ByteArraySerializer(),
          new ByteArraySerializer(),
          PROCESSOR);
    }
    return topology;
  }
}
