package io.flowexporter.topology.aggregate;

import static io.flowexporter.topology.TestFlows.TOPIC;

import io.flowexporter.asndb.AsnLookup;
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
    return new FlowCountingProcessor(
        storeName,
        TOPIC,
        new FlowParser(),
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY),
        SeriesFamilies.asOnly(),
        outcomes,
        new InvalidRecordLog());
  }
}
