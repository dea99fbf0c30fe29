package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.broker.EmbeddedKafkaBroker;
import io.flowexporter.broker.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two instances; one reaches Kafka through a proxy that the test cuts or stalls, as a broken
 * network path between one exporter and Kafka does, while Prometheus still scrapes it. The group
 * drops the cut-off instance after its session timeout and gives its partitions to the other, which
 * then exposes every series: the cut-off one must have stopped exposing them by then, so that no
 * scrape of the two ever shows a series twice. Once the path is back, the instance rejoins and
 * takes partitions back, again without any scrape of the two showing a series twice, and the sum of
 * both is the input exactly.
 */
class CutOffIT {

  private static final int PARTITIONS = 4;
  private static final Duration WITHIN = Duration.ofSeconds(120);

  /**
   * @param breakage {@code cut}: connections closed and refused, the client learns at once; {@code
   *     stall}: connections kept open but carrying nothing, the client goes on sending heartbeats
   *     that are never answered
   */
  @ParameterizedTest
  @ValueSource(strings = {"cut", "stall"})
  void aCutOffInstanceStopsExposingSeriesBeforeAnotherTakesThemOver(
      String breakage, @TempDir Path dir) throws Exception {
    int proxyPort = ExporterProcess.freePort();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startWithSideListener(proxyPort);
        TcpProxy proxy = TcpProxy.between(proxyPort, broker.sideListenerPort())) {
      proxy.restore();
      String topic = "flows-cut-off";
      Topics.create(broker.bootstrapServers(), topic, PARTITIONS);
      PmacctRecords records = new PmacctRecords(17);
      Topics.produce(broker.bootstrapServers(), topic, records, 2000);
      try (ExporterGroup group =
          new ExporterGroup(
                  broker.bootstrapServers(),
                  topic,
                  PARTITIONS,
                  "it-cut-off",
                  dir,
                  List.of("a", "b"),
                  // the broker's smallest: the group drops a silent member after 6 s
                  "--kafka-property",
                  "session.timeout.ms=6000")
              .connecting("a", "127.0.0.1:" + proxyPort)) {
        group.start("a");
        group.start("b");
        group.awaitSum(records.expected, WITHIN);
        int portA = group.ports().get("a");
        int portB = group.ports().get("b");
        Set<Map<String, String>> ofA = receiveSeries(Scrape.of(portA));
        assertThat(ofA).as("series a exposes before the cut").isNotEmpty();

        long cut = System.nanoTime();
        if (breakage.equals("cut")) {
          proxy.cut();
        } else {
          proxy.stall();
        }
        long hiddenMs = -1;
        long takenOverMs = -1;
        int scrapes = 0;
        while (takenOverMs < 0 || hiddenMs < 0) {
          assertThat(ms(cut)).as("b exposing everything and a nothing").isLessThan(90_000);
          // b first, then a: a series that moves from a to b between the two scrapes is in
          // neither, never in both
          Scrape b = Scrape.of(portB);
          Scrape a = Scrape.of(portA);
          assertThat(a).as("a answers while cut off from Kafka").isNotNull();
          assertThat(b).isNotNull();
          scrapes++;
          Set<Map<String, String>> both = receiveSeries(b);
          both.retainAll(receiveSeries(a));
          assertThat(both)
              .as("series exposed by both a and b, %d ms after the cut", ms(cut))
              .isEmpty();
          if (hiddenMs < 0 && receiveSeries(a).isEmpty()) {
            hiddenMs = ms(cut);
            assertThat(a.value("flow_exporter_partitions")).isZero();
            assertThat(a.value("flow_exporter_series{family=\"as\"}")).isZero();
          }
          if (takenOverMs < 0
              && b.value("flow_exporter_partitions") == PARTITIONS
              && Traffic.of(b).equals(records.expected)) {
            takenOverMs = ms(cut);
          }
          Thread.sleep(100);
        }
        assertThat(hiddenMs)
            .as("a hid its series before b showed them")
            .isLessThanOrEqualTo(takenOverMs);
        assertThat(group.running().get("a").ownLog())
            .contains("No answer from the consumer group for");
        System.out.printf(
            "cut off (%s): a stopped exposing its series %d ms after the cut, b exposed all %d"
                + " partitions exactly %d ms after it; %d pairs of scrapes, no series in both%n",
            breakage, hiddenMs, PARTITIONS, takenOverMs, scrapes);

        proxy.restore();
        Topics.produce(broker.bootstrapServers(), topic, records, 1000);
        // a rejoins and takes partitions back from b: scraped a first, then b, a series moving
        // from b to a between the two scrapes is in neither; one in both is a series a shows
        // again before b gave it up
        long back = System.nanoTime();
        int backScrapes = 0;
        while (true) {
          assertThat(ms(back)).as("a back with partitions, the sum exact").isLessThan(90_000);
          Scrape a = Scrape.of(portA);
          Scrape b = Scrape.of(portB);
          if (a != null && b != null) {
            backScrapes++;
            Set<Map<String, String>> both = receiveSeries(a);
            both.retainAll(receiveSeries(b));
            assertThat(both)
                .as("series exposed by both a and b, %d ms after the path was back", ms(back))
                .isEmpty();
            if (a.value("flow_exporter_partitions") > 0
                && a.value("flow_exporter_partitions") + b.value("flow_exporter_partitions")
                    == PARTITIONS
                && Traffic.sum(List.of(Traffic.of(a), Traffic.of(b))).equals(records.expected)) {
              break;
            }
          }
          Thread.sleep(100);
        }
        System.out.printf(
            "cut off (%s): back in touch, a exposed partitions again and the sum was exact %d ms"
                + " later; %d pairs of scrapes, no series in both%n",
            breakage, ms(back), backScrapes);
        group.awaitSum(records.expected, WITHIN);
        assertThat(group.running().get("a").ownLog()).contains("Back in the consumer group");
        group.stopAllCleanly();
      }
    }
  }

  private static Set<Map<String, String>> receiveSeries(Scrape s) {
    return new HashSet<>(s.family("flow_receive_bytes_total").keySet());
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
