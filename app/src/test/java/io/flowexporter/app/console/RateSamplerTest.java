package io.flowexporter.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.aggregate.TotalsSnapshot;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.CountryFamily;
import io.flowexporter.topology.series.PortFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rates from the growth of committed totals between samples, ranked, with bounded history. */
class RateSamplerTest {

  private static final long SECOND = 1_000_000_000L;
  private static final SeriesFamily PORTS = PortFamily.of(List.of(443, 53));
  private static final SeriesFamilies FAMILIES =
      new SeriesFamilies(List.of(AsFamily.FAMILY, CountryFamily.FAMILY, PORTS));

  private final Map<SeriesKey, Totals> totals = new LinkedHashMap<>();
  private final RateSampler sampler =
      new RateSampler(
          () -> TotalsSnapshot.EMPTY,
          FAMILIES,
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC));

  private void add(SeriesKey key, long bytes, long packets, long flows) {
    totals.merge(
        key,
        new Totals(bytes, packets, flows),
        (a, b) ->
            new Totals(a.bytes() + b.bytes(), a.packets() + b.packets(), a.flows() + b.flows()));
  }

  private void sampleAt(long seconds) {
    sampler.sample(TotalsSnapshot.of(new LinkedHashMap<>(totals)), seconds * SECOND);
  }

  private RateView.Entity row(Dimension d, Direction dir, String id) {
    return sampler.view().ranking(d, dir).entities().stream()
        .filter(e -> e.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void ratesArePerEntityGrowthOverTheIntervalSummedOverHostnamesAndOwnAses() {
    add(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), 1000, 10, 1);
    add(AsFamily.key(Direction.RECEIVE, "edge2", 15169, 64501), 500, 5, 1);
    add(AsFamily.key(Direction.RECEIVE, "edge1", 13335, 64500), 100, 1, 1);
    add(AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 13335), 7, 1, 1);
    sampleAt(100);
    RateView first = sampler.view();
    assertThat(first.sampledAt()).isEqualTo(Instant.parse("2026-11-29T12:00:00Z"));
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").bytes()).isEqualTo(1500);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").bitsPerSecond()).isNaN();
    assertThat(first.historyLength()).isZero();

    add(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), 2000, 20, 2);
    add(AsFamily.key(Direction.RECEIVE, "edge2", 15169, 64501), 500, 5, 3);
    add(AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 13335), 1000, 4, 1);
    sampleAt(105);
    RateView.Entity google = row(Dimension.AS, Direction.RECEIVE, "15169");
    assertThat(google.bytes()).isEqualTo(4000);
    assertThat(google.packets()).isEqualTo(40);
    assertThat(google.flows()).isEqualTo(7);
    assertThat(google.bitsPerSecond()).isEqualTo(8.0 * 2500 / 5);
    assertThat(google.packetsPerSecond()).isEqualTo(25.0 / 5);
    assertThat(google.flowsPerSecond()).isEqualTo(5.0 / 5);
    assertThat(google.history()).containsExactly(8.0 * 2500 / 5);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "13335").bitsPerSecond()).isZero();
    // The peer of transmit traffic is the destination AS.
    assertThat(row(Dimension.AS, Direction.TRANSMIT, "13335").bitsPerSecond())
        .isEqualTo(8.0 * 1000 / 5);
    assertThat(sampler.view().ranking(Dimension.AS, Direction.RECEIVE).entities())
        .extracting(RateView.Entity::id)
        .containsExactly("15169", "13335");

    assertThat(row(Dimension.ROUTER, Direction.RECEIVE, "edge1").bitsPerSecond())
        .isEqualTo(8.0 * 2000 / 5);
    assertThat(row(Dimension.ROUTER, Direction.RECEIVE, "edge2").bytes()).isEqualTo(1000);

    RateView.Entity in = sampler.view().totals().get(Direction.RECEIVE);
    assertThat(in.bytes()).isEqualTo(4100);
    assertThat(in.bitsPerSecond()).isEqualTo(8.0 * 2500 / 5);
    assertThat(sampler.view().totals().get(Direction.TRANSMIT).bitsPerSecond())
        .isEqualTo(8.0 * 1000 / 5);
  }

  @Test
  void aSeriesThatAppearsCountsFromItsSecondSampleAndOneThatShrinksCountsNoGrowth() {
    SeriesKey old = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    add(old, 1_000_000, 1000, 1);
    sampleAt(0);
    // A partition taken over brings a series with a large total: no spike.
    SeriesKey moved = AsFamily.key(Direction.RECEIVE, "edge9", 15169, 64500);
    add(moved, 50_000_000, 1000, 1);
    sampleAt(5);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").bitsPerSecond()).isZero();
    add(moved, 5000, 1, 1);
    sampleAt(10);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").bitsPerSecond())
        .isEqualTo(8.0 * 5000 / 5);
    // Handed back with a lower total: no negative rate.
    totals.put(moved, new Totals(10, 1, 1));
    sampleAt(15);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").bitsPerSecond()).isZero();
  }

  @Test
  void anEntityMadeOnlyOfNewSeriesHasNoRateYetAndNotReadyStartsOver() {
    add(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500), 1000, 10, 1);
    sampleAt(0);
    // A new peer: unknown for one sample (a 0 would read as traffic that stopped), then its rate.
    SeriesKey fresh = AsFamily.key(Direction.RECEIVE, "edge1", 13335, 64500);
    add(fresh, 7_000_000, 10, 1);
    sampleAt(5);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "13335").bitsPerSecond()).isNaN();
    assertThat(row(Dimension.AS, Direction.RECEIVE, "13335").history()).containsOnly(Double.NaN);
    add(fresh, 5000, 1, 1);
    sampleAt(10);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "13335").bitsPerSecond())
        .isEqualTo(8.0 * 5000 / 5);
    // While the instance is not ready nothing is sampled; the first sample after has no rate.
    sampler.notReady();
    add(fresh, 5000, 1, 1);
    sampleAt(30);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "13335").bitsPerSecond()).isNaN();
    assertThat(sampler.view().totals().get(Direction.RECEIVE).bitsPerSecond()).isNaN();
  }

  @Test
  void whileNotReadyTheLastRatesAreWithdrawnAndTheTotalsAndHistoriesKept() {
    SeriesKey google = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    SeriesKey cloudflare = AsFamily.key(Direction.RECEIVE, "edge1", 13335, 64500);
    add(google, 1000, 10, 1);
    add(cloudflare, 1000, 10, 1);
    sampleAt(0);
    add(google, 5000, 5, 5);
    add(cloudflare, 500, 5, 5);
    sampleAt(5);
    RateView ready = sampler.view();
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").bitsPerSecond())
        .isEqualTo(8.0 * 5000 / 5);

    sampler.notReady();
    RateView notReady = sampler.view();
    assertThat(notReady.sampledAt()).isEqualTo(ready.sampledAt());
    // Still in the last sample's order, with its totals and history, but no rate is current.
    assertThat(notReady.ranking(Dimension.AS, Direction.RECEIVE).entities())
        .extracting(RateView.Entity::id)
        .containsExactly("15169", "13335");
    RateView.Entity g = row(Dimension.AS, Direction.RECEIVE, "15169");
    assertThat(g.bitsPerSecond()).isNaN();
    assertThat(g.packetsPerSecond()).isNaN();
    assertThat(g.flowsPerSecond()).isNaN();
    assertThat(g.bytes()).isEqualTo(6000);
    assertThat(g.history()).containsExactly(8.0 * 5000 / 5);
    assertThat(row(Dimension.ROUTER, Direction.RECEIVE, "edge1").bitsPerSecond()).isNaN();
    RateView.Entity total = notReady.totals().get(Direction.RECEIVE);
    assertThat(total.bitsPerSecond()).isNaN();
    assertThat(total.bytes()).isEqualTo(7500);
    assertThat(total.history()).containsExactly(8.0 * 5500 / 5);
    // Withdrawn once: further not-ready intervals publish nothing new.
    sampler.notReady();
    assertThat(sampler.view()).isSameAs(notReady);

    // Ready again: the first sample measures (no rate yet), the second has rates.
    add(google, 1000, 1, 1);
    sampleAt(20);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").bitsPerSecond()).isNaN();
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").bytes()).isEqualTo(7000);
    add(google, 1000, 1, 1);
    sampleAt(25);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").bitsPerSecond())
        .isEqualTo(8.0 * 1000 / 5);
  }

  @Test
  void countryAndPortEntitiesAndTheOverflowSeries() {
    add(CountryFamily.key(Direction.RECEIVE, "US", "edge1"), 100, 1, 1);
    add(CountryFamily.key(Direction.RECEIVE, "US", "edge2"), 100, 1, 1);
    add(CountryFamily.key(Direction.RECEIVE, "DE", "edge2"), 50, 1, 1);
    add(PortFamily.key(PORTS, Direction.TRANSMIT, 443, "TCP", "edge1"), 300, 3, 2);
    add(PortFamily.key(PORTS, Direction.TRANSMIT, 443, "tcp", "edge2"), 300, 3, 2);
    add(SeriesKey.overflow(AsFamily.FAMILY, Direction.RECEIVE, 0), 42, 1, 1);
    add(AsFamily.key(Direction.RECEIVE, "other", 15169, 64500), 5, 1, 1); // a router named so
    sampleAt(0);
    assertThat(row(Dimension.COUNTRY, Direction.RECEIVE, "US").bytes()).isEqualTo(200);
    assertThat(row(Dimension.COUNTRY, Direction.RECEIVE, "DE").bytes()).isEqualTo(50);
    assertThat(row(Dimension.PORT, Direction.TRANSMIT, "443/tcp").flows()).isEqualTo(4);
    assertThat(row(Dimension.AS, Direction.RECEIVE, Dimension.OVERFLOW).bytes()).isEqualTo(42);
    assertThat(row(Dimension.ROUTER, Direction.RECEIVE, Dimension.OVERFLOW).bytes()).isEqualTo(42);
    assertThat(row(Dimension.ROUTER, Direction.RECEIVE, "other").bytes()).isEqualTo(5);
    assertThat(sampler.view().totals().get(Direction.RECEIVE).bytes()).isEqualTo(47);
    assertThat(sampler.dimensions())
        .containsExactly(Dimension.AS, Dimension.COUNTRY, Dimension.PORT, Dimension.ROUTER);
  }

  @Test
  void historyCoversTheWindowOldestFirstAndStartsWhereAnEntityEnteredTheTop() {
    SeriesKey google = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    add(google, 0, 0, 0);
    sampleAt(0);
    for (int s = 1; s <= 10; s++) {
      add(google, 1000L * s, 1, 1);
      if (s == 8) {
        add(AsFamily.key(Direction.RECEIVE, "edge1", 13335, 64500), 0, 0, 0);
      }
      if (s >= 9) {
        add(AsFamily.key(Direction.RECEIVE, "edge1", 13335, 64500), 5, 1, 1);
      }
      sampleAt(5L * s);
    }
    // A window of 30 s at 5 s: six samples of rates.
    assertThat(sampler.view().historyLength()).isEqualTo(6);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").history())
        .containsExactly(
            8.0 * 5000 / 5,
            8.0 * 6000 / 5,
            8.0 * 7000 / 5,
            8.0 * 8000 / 5,
            8.0 * 9000 / 5,
            8.0 * 10000 / 5);
    double[] late = row(Dimension.AS, Direction.RECEIVE, "13335").history();
    assertThat(late).hasSize(6);
    assertThat(late[0]).isNaN();
    assertThat(late[1]).isNaN();
    assertThat(late[2]).isNaN();
    assertThat(late[3]).isNaN(); // its first sample: no rate yet
    assertThat(late[4]).isNotNaN();
    assertThat(late[4]).isEqualTo(8.0 * 5 / 5);
    assertThat(sampler.view().totals().get(Direction.RECEIVE).history()).hasSize(6);
  }

  @Test
  void historyIsPerIntervalSoThatSlotsNotSampledStayUnknown() {
    SeriesKey google = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    add(google, 0, 0, 0);
    sampleAt(0);
    // Ready for 50 s: a whole lap of the six slots of the window, each rate a different one.
    for (int s = 1; s <= 10; s++) {
      add(google, 1000L * s, 1, 1);
      sampleAt(5L * s);
    }
    // Not ready for 15 s (three runs without a sample), then a sample without a rate, then one
    // with.
    for (int run = 0; run < 3; run++) {
      sampler.notReady();
    }
    add(google, 1_000_000, 1, 1);
    sampleAt(70);
    add(google, 15_000, 1, 1);
    sampleAt(75);
    // The window is the last six intervals of time (50 to 75 s), not the last six samples: the
    // gap is unknown, neither closed up (the rates of 30 to 50 s drawn next to 75 s) nor filled
    // with the values a lap of the ring ago.
    double[] expected = {
      8.0 * 10_000 / 5, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 8.0 * 15_000 / 5
    };
    assertThat(sampler.view().historyLength()).isEqualTo(6);
    assertThat(row(Dimension.AS, Direction.RECEIVE, "15169").history()).containsExactly(expected);
    assertThat(sampler.view().totals().get(Direction.RECEIVE).history()).containsExactly(expected);
    // A late sample is still the next interval: no gap.
    add(google, 14_000, 1, 1);
    sampleAt(82);
    assertThat(sampler.view().totals().get(Direction.RECEIVE).history())
        .containsExactly(
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, 8.0 * 15_000 / 5, 8.0 * 14_000 / 7);
  }

  @Test
  void aSampleThatStartsLateIsStillItsIntervalsAndTheNextOneOnTimeToo() {
    SeriesKey google = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    add(google, 0, 0, 0);
    sampleAt(0);
    for (long at : new long[] {5, 10, 18, 20, 25, 30}) { // the run of 15 s started 3 s late
      add(google, 1000, 1, 1);
      sampleAt(at);
    }
    assertThat(sampler.view().totals().get(Direction.RECEIVE).history())
        .containsExactly(
            8.0 * 1000 / 5,
            8.0 * 1000 / 5,
            8.0 * 1000 / 8,
            8.0 * 1000 / 2,
            8.0 * 1000 / 5,
            8.0 * 1000 / 5);
  }

  @Test
  void aRunThatCouldNotSampleLeavesItsIntervalUnknown() {
    SeriesKey google = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
    add(google, 0, 0, 0);
    sampleAt(0);
    add(google, 1000, 1, 1);
    sampleAt(5);
    sampler.skipInterval(); // the run of 10 s could not read the totals
    add(google, 1000, 1, 1);
    sampleAt(15);
    assertThat(sampler.view().totals().get(Direction.RECEIVE).history())
        .containsExactly(8.0 * 1000 / 5, Double.NaN, 8.0 * 1000 / 10);
  }

  @Test
  void historyIsKeptForTheBusiestEntitiesOnly() {
    sampleAt(0);
    for (int as = 1; as <= RateSampler.TRACKED + 50; as++) {
      add(AsFamily.key(Direction.RECEIVE, "edge1", as, 64500), as, 1, 1);
    }
    sampleAt(5);
    List<RateView.Entity> ranked =
        sampler.view().ranking(Dimension.AS, Direction.RECEIVE).entities();
    assertThat(ranked).hasSize(RateSampler.TRACKED + 50);
    assertThat(ranked.get(0).id()).isEqualTo(Integer.toString(RateSampler.TRACKED + 50));
    assertThat(ranked.subList(0, RateSampler.TRACKED))
        .allSatisfy(e -> assertThat(e.history()).isNotNull());
    assertThat(ranked.subList(RateSampler.TRACKED, ranked.size()))
        .allSatisfy(e -> assertThat(e.history()).isNull());
  }

  @Test
  void whenTheTopChangesAtEverySampleHistoryIsKeptForTheTopAndAsManyThatWereInItLately() {
    // Five rounds of TRACKED peers; at sample k only round k grows, so the top is a new set of
    // entities at each sample, all within one window (six slots of 5 s).
    int rounds = 5;
    for (int as = 1; as <= rounds * RateSampler.TRACKED; as++) {
      add(AsFamily.key(Direction.RECEIVE, "edge1", as, 64500), 0, 0, 0);
    }
    sampleAt(0);
    for (int k = 1; k <= rounds; k++) {
      for (int i = 1; i <= RateSampler.TRACKED; i++) {
        add(AsFamily.key(Direction.RECEIVE, "edge1", asOf(k, i), 64500), 1000L * i, 1, 1);
      }
      sampleAt(5L * k);
    }
    List<RateView.Entity> ranked =
        sampler.view().ranking(Dimension.AS, Direction.RECEIVE).entities();
    List<String> withHistory =
        ranked.stream().filter(e -> e.history() != null).map(RateView.Entity::id).toList();
    assertThat(withHistory).hasSize(RateSampler.MAX_TRACKS);
    // The top now (round 5) and the top of the sample before (round 4); rounds 1 to 3 are gone.
    for (int i = 1; i <= RateSampler.TRACKED; i++) {
      assertThat(withHistory).contains(Integer.toString(asOf(rounds, i)));
      assertThat(withHistory).contains(Integer.toString(asOf(rounds - 1, i)));
    }
    // Round 4's history goes on: its rate when it was the top, 0 since.
    assertThat(
            row(Dimension.AS, Direction.RECEIVE, Integer.toString(asOf(rounds - 1, 1))).history())
        .endsWith(8.0 * 1000 / 5, 0.0);
  }

  /** The AS number of peer {@code i} (1 to TRACKED) of round {@code k} (from 1). */
  private static int asOf(int k, int i) {
    return (k - 1) * RateSampler.TRACKED + i;
  }

  @Test
  void familiesNotCountedAreNotRanked() {
    RateSampler asOnly =
        new RateSampler(
            () -> TotalsSnapshot.EMPTY,
            new SeriesFamilies(List.of(AsFamily.FAMILY)),
            Duration.ofSeconds(5),
            Duration.ofMinutes(15),
            Clock.systemUTC());
    assertThat(asOnly.dimensions()).containsExactly(Dimension.AS, Dimension.ROUTER);
    asOnly.sample(
        TotalsSnapshot.of(
            Map.of(CountryFamily.key(Direction.RECEIVE, "US", "e"), new Totals(1, 1, 1))),
        0);
    assertThat(asOnly.view().ranking(Dimension.COUNTRY, Direction.RECEIVE).entities()).isEmpty();
  }
}
