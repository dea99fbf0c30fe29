package io.flowexporter.topology;

import static io.flowexporter.topology.TestFlows.TOPIC;
import static io.flowexporter.topology.TestFlows.input;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.PortFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The port family on TopologyTestDriver next to the AS family: records with ports, protocols and
 * flows in, exact totals per port series in the published view, computed here from the input.
 */
class PortCountingTest {

  private static final Set<Integer> CHOSEN = Set.of(443, 53, 5432);
  private static final int[] PORTS = {443, 53, 5432, 80, 50000, 0};
  private static final String[] PROTOCOLS = {"\"tcp\"", "\"udp\"", "6", "17", "\"icmp\""};

  @TempDir Path stateDir;

  private final CommittedTotals committed = new CommittedTotals();
  private final RecordOutcomes outcomes = new RecordOutcomes();
  private final SeriesFamily ports = PortFamily.of(CHOSEN);

  private TopologyTestDriver driver() {
    return driver(new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.NEVER, 1));
  }

  private TopologyTestDriver driver(TopologyConfig config) {
    return TestFlows.driver(
        FlowTopology.build(
            config,
            1,
            AsnLookup.EMPTY,
            new SeriesFamilies(List.of(AsFamily.FAMILY, ports)),
            committed,
            outcomes),
        stateDir);
  }

  /** The committed series of the port family. */
  private Map<SeriesKey, Totals> portSeries() {
    return committed.snapshot().entrySet().stream()
        .filter(e -> e.getKey().familyId() == PortFamily.ID)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static String record(
      long src,
      long dst,
      int portSrc,
      int portDst,
      String proto,
      long bytes,
      long packets,
      Long flows,
      long sampling) {
    return "{\"event_type\": \"purge\", \"label\": \"edge1\", \"as_src\": "
        + src
        + ", \"as_dst\": "
        + dst
        + ", \"ip_src\": \"198.51.100.7\", \"ip_dst\": \"192.0.2.1\", \"port_src\": "
        + portSrc
        + ", \"port_dst\": "
        + portDst
        + ", \"ip_proto\": "
        + proto
        + (flows == null ? "" : ", \"flows\": " + flows)
        + (sampling > 0 ? ", \"sampling_rate\": " + sampling : "")
        + ", \"packets\": "
        + packets
        + ", \"bytes\": "
        + bytes
        + "}";
  }

  @Test
  void countsEachRecordUnderEveryChosenPortWithItsFlows() {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = input(driver);
      in.pipeInput(record(15169, 64500, 50000, 443, "\"tcp\"", 1000, 10, 4L, 0));
      in.pipeInput(record(15169, 64500, 50001, 443, "6", 500, 5, null, 0)); // no flows: one
      in.pipeInput(
          record(64500, 15169, 53, 5432, "\"udp\"", 80, 1, 2L, 10)); // both chosen, sampled
      in.pipeInput(record(64500, 15169, 80, 8080, "\"tcp\"", 999, 9, 1L, 0)); // no chosen port
      in.pipeInput(record(13335, 2906, 443, 50000, "\"tcp\"", 999, 9, 1L, 0)); // not ours
      committed.committed();

      assertThat(portSeries())
          .isEqualTo(
              Map.of(
                  PortFamily.key(ports, Direction.RECEIVE, 443, "tcp", "edge1"),
                      new Totals(1500, 15, 5),
                  PortFamily.key(ports, Direction.TRANSMIT, 53, "udp", "edge1"),
                      new Totals(800, 10, 2),
                  PortFamily.key(ports, Direction.TRANSMIT, 5432, "udp", "edge1"),
                      new Totals(800, 10, 2)));
      // The AS family is counted as before, its flows from the same field.
      assertThat(committed.snapshot().get(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500)))
          .isEqualTo(new Totals(1500, 15, 5));
      assertThat(outcomes.countedTotal()).isEqualTo(4);
    }
  }

  /**
   * {@code --max-series} holds for the port family on its own: with a bound of 2, the first two
   * port series are admitted and the third counts into the port family's overflow series, while the
   * AS family's one series is unaffected. Nothing is lost.
   */
  @Test
  void thePortFamilyHasItsOwnBoundAndOverflowSeries() {
    try (TopologyTestDriver driver =
        driver(
            new TopologyConfig(
                TOPIC, List.of(64500L), AsnFromIp.NEVER, 1, 2, java.time.Duration.ofDays(1)))) {
      TestInputTopic<String, String> in = input(driver);
      in.pipeInput(record(15169, 64500, 50000, 443, "\"tcp\"", 100, 1, 1L, 0));
      in.pipeInput(record(15169, 64500, 50000, 53, "\"udp\"", 20, 1, 1L, 0));
      in.pipeInput(record(15169, 64500, 50000, 5432, "\"tcp\"", 3, 1, 1L, 0)); // third: other
      in.pipeInput(record(15169, 64500, 50001, 443, "\"tcp\"", 1000, 1, 1L, 0)); // admitted
      committed.committed();

      assertThat(portSeries())
          .isEqualTo(
              Map.of(
                  PortFamily.key(ports, Direction.RECEIVE, 443, "tcp", "edge1"),
                  new Totals(1100, 2, 2),
                  PortFamily.key(ports, Direction.RECEIVE, 53, "udp", "edge1"),
                  new Totals(20, 1, 1),
                  SeriesKey.overflow(ports, Direction.RECEIVE, 0),
                  new Totals(3, 1, 1)));
      assertThat(committed.overflowedTotal(PortFamily.ID)).isEqualTo(1);
      assertThat(committed.overflowedTotal(AsFamily.FAMILY.id())).isZero();
      assertThat(committed.snapshot().get(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500)))
          .isEqualTo(new Totals(1123, 4, 4));
    }
  }

  /** Many random records: every port series equals the sum computed here from the input. */
  @Test
  void randomRecordsGiveTheTotalsComputedFromTheInput() {
    Random random = new Random(7);
    Map<SeriesKey, Totals> expected = new HashMap<>();
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, String> in = input(driver);
      for (int m = 0; m < 400; m++) {
        boolean receive = random.nextBoolean();
        int portSrc = PORTS[random.nextInt(PORTS.length)];
        int portDst = PORTS[random.nextInt(PORTS.length)];
        String proto = PROTOCOLS[random.nextInt(PROTOCOLS.length)];
        long bytes = 1 + random.nextInt(100_000);
        long packets = 1 + random.nextInt(100);
        Long flows = random.nextInt(4) == 0 ? null : (long) random.nextInt(5);
        in.pipeInput(
            receive
                ? record(15169, 64500, portSrc, portDst, proto, bytes, packets, flows, 0)
                : record(64500, 15169, portSrc, portDst, proto, bytes, packets, flows, 0));
        String label =
            switch (proto) {
              case "\"tcp\"", "6" -> "tcp";
              case "\"udp\"", "17" -> "udp";
              default -> "icmp";
            };
        Totals t = new Totals(bytes, packets, flows == null ? 1 : flows);
        Direction d = receive ? Direction.RECEIVE : Direction.TRANSMIT;
        for (int port : portSrc == portDst ? new int[] {portSrc} : new int[] {portSrc, portDst}) {
          if (CHOSEN.contains(port)) {
            expected.merge(PortFamily.key(ports, d, port, label, "edge1"), t, TestFlows::sum);
          }
        }
      }
      committed.committed();
      Map<SeriesKey, Totals> actual =
          committed.snapshot().entrySet().stream()
              .filter(e -> e.getKey().familyId() == PortFamily.ID)
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      assertThat(actual).isEqualTo(expected);
    }
  }
}
