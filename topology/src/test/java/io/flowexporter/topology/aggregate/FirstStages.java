package io.flowexporter.topology.aggregate;

import static io.flowexporter.topology.TestFlows.TOPIC;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.document.FlowDocuments;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.series.SeriesFamilies;
import java.util.List;

/** The first stage as tests wire it by hand: AS series only, own AS 64500, no documents. */
final class FirstStages {

  private FirstStages() {}

  /** A first-stage processor on {@link io.flowexporter.topology.TestFlows#TOPIC}. */
  static FlowCountingProcessor asOnly(String storeName, RecordOutcomes outcomes) {
    return asOnly(storeName, outcomes, 0);
  }

  /** The same, sending time marks at most every {@code timeMarkIntervalMs}. */
  static FlowCountingProcessor asOnly(
      String storeName, RecordOutcomes outcomes, long timeMarkIntervalMs) {
    return new FlowCountingProcessor(
        storeName,
        TOPIC,
        new FlowParser(),
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY),
        SeriesFamilies.asOnly(),
        outcomes,
        new InvalidRecordLog(),
        FlowDocuments.NONE,
        AsnLookup.EMPTY,
        null,
        null,
        timeMarkIntervalMs);
  }
}
