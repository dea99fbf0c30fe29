package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.SeriesKey;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * What a scrape shows of each owner partition: its store's committed totals; while the store is
 * restored anew and the partition stays here, the last ones it showed; nothing once the partition
 * left, so that no series is exposed by two instances.
 */
class ScrapeViewsTest {

  private static final long T0 = 1_900_000_000_000L;
  private static final SeriesKey ON_P0 = AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500);
  private static final SeriesKey ON_P1 = AsFamily.key(Direction.RECEIVE, "edge1", 13335, 64500);

  private final CommittedTotals committed = new CommittedTotals();

  private SeriesTotalsStore active(int partition, SeriesKey key, long bytes) {
    SeriesTotalsStore store =
        new SeriesTotalsStore(
            Stores.inMemoryKeyValueStore("series-totals").get(),
            committed,
            SeriesTotalsStoreTest.UNBOUNDED);
    store.init(
        new MockProcessorContext<>(
                new Properties(),
                new TaskId(1, partition),
                new File(System.getProperty("java.io.tmpdir")))
            .getStateStoreContext(),
        store);
    store.activate();
    SeriesTotalsStoreTest.add(store, key, bytes, 1, 1, T0);
    store.flushCache();
    committed.committed();
    return store;
  }

  @Test
  void aPartitionBeingRestoredKeepsItsLastTotalsUntilItLeavesOrEveryStoreIsBack() {
    SeriesTotalsStore p0 = active(0, ON_P0, 100);
    SeriesTotalsStore p1 = active(1, ON_P1, 200);
    assertThat(committed.scrape().asMap()).containsOnlyKeys(ON_P0, ON_P1);

    // P1's task is revived (or recycled): its store is closed and restored anew.
    p1.deactivate();
    assertThat(committed.totals().asMap()).containsOnlyKeys(ON_P0);
    assertThat(committed.scrape().asMap())
        .as("its last totals while it is restored")
        .isEqualTo(Map.of(ON_P0, new Totals(100, 1, 1), ON_P1, new Totals(200, 1, 1)));

    // Back, restored with what was committed meanwhile: the new store's totals.
    SeriesTotalsStore again = active(1, ON_P1, 230);
    assertThat(committed.scrape().asMap().get(ON_P1)).isEqualTo(new Totals(230, 1, 1));
    SeriesTotalsStoreTest.add(again, ON_P1, 50, 1, 1, T0);
    again.flushCache();
    committed.committed();
    assertThat(committed.scrape().asMap().get(ON_P1)).isEqualTo(new Totals(280, 2, 2));

    // P1 is revoked: gone at once, before another instance exposes it.
    again.deactivate();
    assertThat(committed.scrape().asMap()).containsOnlyKeys(ON_P0, ON_P1);
    committed.forget(List.of(1));
    assertThat(committed.scrape().asMap()).containsOnlyKeys(ON_P0);

    // A partition whose store is not back when every assigned store is (the stream is RUNNING
    // without it: it left, unreported) is dropped too.
    p0.deactivate();
    assertThat(committed.scrape().asMap()).containsOnlyKeys(ON_P0);
    committed.forgetUnregistered();
    assertThat(committed.scrape().asMap()).isEmpty();
  }

  @Test
  void theSeriesCountIsThatOfTheScrapesCommittedAndKeptWhileAPartitionIsRestored() {
    int as = AsFamily.FAMILY.id();
    SeriesTotalsStore p0 = active(0, ON_P0, 100);
    SeriesKey another = AsFamily.key(Direction.TRANSMIT, "edge1", 64500, 15169);
    SeriesTotalsStoreTest.add(p0, another, 10, 1, 1, T0);
    assertThat(committed.seriesOf(as)).as("written to no changelog yet").isEqualTo(1);
    p0.flushCache();
    assertThat(committed.seriesOf(as)).as("in an open transaction").isEqualTo(1);
    committed.committed();
    assertThat(committed.seriesOf(as)).isEqualTo(2);

    SeriesTotalsStore p1 = active(1, ON_P1, 200);
    assertThat(committed.seriesOf(as)).isEqualTo(3);
    p1.deactivate();
    assertThat(committed.seriesOf(as))
        .as("while P1 is restored, as on scrapes")
        .isEqualTo(committed.scrape().asMap().size())
        .isEqualTo(3);
    assertThat(committed.partitionsShown()).isEqualTo(2);
    committed.forget(List.of(1));
    assertThat(committed.seriesOf(as)).isEqualTo(2);
    assertThat(committed.partitionsShown()).isEqualTo(1);
  }
}
