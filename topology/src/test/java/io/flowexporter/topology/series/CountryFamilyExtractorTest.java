package io.flowexporter.topology.series;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowRecord;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The country family's extractor: one key per flow, the remote side's country, nothing allocated.
 */
class CountryFamilyExtractorTest {

  private static final CountryLookup COUNTRIES =
      new CountryLookup() {
        @Override
        public String countryOf(String ip) {
          return ip != null && ip.startsWith("8.") ? "US" : UNKNOWN;
        }

        @Override
        public String nameOf(String code) {
          return code;
        }
      };

  private final FlowClassifier classifier =
      new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY, COUNTRIES);

  @Test
  void oneKeyPerFlowWithTheRemoteSidesCountry() {
    List<SeriesKey> keys = new ArrayList<>();
    SeriesKeyWriter w =
        new SeriesKeyWriter((b, len, hash) -> keys.add(SeriesKey.wrap(Arrays.copyOf(b, len))));
    CountedFlow flow = new CountedFlow(classifier);
    FlowRecord in = new FlowRecord(15169, 64500, 100, 1, "edge1", 0, "8.8.8.8", "192.0.2.1");
    FlowRecord out = new FlowRecord(64500, 15169, 100, 1, "edge1", 0, "8.8.8.8", "192.0.2.1");
    FlowRecord given =
        new FlowRecord(64500, 15169, 100, 1, "edge1", 0, "8.8.8.8", "192.0.2.1", "FR", "DE");
    for (Object[] c :
        new Object[][] {
          {in, Direction.RECEIVE}, {out, Direction.TRANSMIT}, {given, Direction.TRANSMIT}
        }) {
      w.use(CountryFamily.FAMILY, (Direction) c[1]);
      CountryFamily.FAMILY
          .extractor()
          .extract(flow.set((FlowRecord) c[0], (Direction) c[1], 0, 0), w);
    }
    assertThat(keys)
        .containsExactly(
            CountryFamily.key(Direction.RECEIVE, "US", "edge1"),
            CountryFamily.key(Direction.TRANSMIT, "ZZ", "edge1"),
            CountryFamily.key(Direction.TRANSMIT, "DE", "edge1"));
  }

  @Test
  void extractingAllocatesNothing() {
    long[] sink = new long[1];
    SeriesKeyWriter w = new SeriesKeyWriter((b, len, hash) -> sink[0] += hash + b[2]);
    CountedFlow flow = new CountedFlow(classifier);
    FlowRecord[] records = {
      new FlowRecord(15169, 64500, 100, 1, "edge1", 0, "8.8.8.8", "192.0.2.1"),
      new FlowRecord(15169, 64500, 100, 1, "edge2", 0, "10.0.0.1", "192.0.2.1", "NL", null),
      new FlowRecord(64500, 15169, 100, 1, "edge1", 0, "192.0.2.1", "8.8.4.4"),
    };
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 2; round++) { // the first round warms up the writer's text cache
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 100_000; i++) {
        FlowRecord r = records[i % records.length];
        Direction d = r.asSrc() == 64500 ? Direction.TRANSMIT : Direction.RECEIVE;
        w.use(CountryFamily.FAMILY, d);
        CountryFamily.FAMILY.extractor().extract(flow.set(r, d, r.asSrc(), r.asDst()), w);
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      if (round == 1) {
        assertThat(allocated).as("bytes allocated extracting 100,000 flows").isLessThan(10_000);
      }
    }
    assertThat(sink[0]).isNotZero();
  }
}
