package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.flow.InvalidReason;
import io.flowexporter.topology.flow.ParseListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each kind of {@link MalformedRecords}, alone, through the exporter's parser: counted under its
 * own reason. {@code ExporterIT} sends them all on a real broker and compares totals per reason,
 * where two kinds of different reasons sent equally often could trade places unseen; here each kind
 * answers for itself.
 */
class MalformedRecordsTest {

  @Test
  void eachKindIsCountedUnderItsOwnReason() {
    PmacctRecords good = new PmacctRecords(7);
    MalformedRecords bad = new MalformedRecords(good);
    for (MalformedRecords.Kind kind : MalformedRecords.KINDS) {
      List<String> reasons = new ArrayList<>();
      List<FlowRecord> records = new ArrayList<>();
      new FlowParser()
          .parse(
              bad.of(kind),
              new ParseListener() {
                @Override
                public void record(FlowRecord record) {
                  records.add(record);
                }

                @Override
                public void marker() {}

                @Override
                public void invalid(InvalidReason reason, String sample) {
                  reasons.add(reason.label());
                }
              });
      assertThat(reasons).as(kind.name()).containsExactly(kind.reason());
      // Only the complete records before the cut of a truncated multi-value message count.
      assertThat(records)
          .as(kind.name())
          .hasSize(kind.name().equals("truncated multi-value message") ? 2 : 0);
    }
  }
}
