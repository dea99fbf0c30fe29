package io.flowexporter.topology.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.SeriesKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeriesTableTest {

  @Test
  void findsEveryInsertedSeriesThroughGrowthAndNothingElse() {
    SeriesTable table = new SeriesTable();
    Random random = new Random(11);
    Set<SeriesKey> seen = new HashSet<>();
    List<SeriesKey> inserted = new ArrayList<>();
    while (inserted.size() < 100_000) {
      SeriesKey key = randomKey(random);
      if (seen.add(key)) {
        table.insert(key.direction(), table.hostId(key.hostname()), key.sourceAs(), key.destinationAs(), inserted.size());
        inserted.add(key);
      }
    }
    for (int i = 0; i < inserted.size(); i++) {
      SeriesKey k = inserted.get(i);
      assertThat(table.find(k.direction(), table.hostId(k.hostname()), k.sourceAs(), k.destinationAs())).isEqualTo(i);
    }
    int misses = 0;
    for (int i = 0; i < 100_000; i++) {
      SeriesKey k = randomKey(random);
      if (!seen.contains(k)) {
        misses++;
        assertThat(table.find(k.direction(), table.hostId(k.hostname()), k.sourceAs(), k.destinationAs())).isEqualTo(-1);
      }
    }
    assertThat(misses).isGreaterThan(1000);
  }

  @Test
  void labelsThatDifferInOneFieldAreDifferentSeries() {
    SeriesTable table = new SeriesTable();
    int edge1 = table.hostId("edge1");
    int edge2 = table.hostId("edge2");
    assertThat(table.hostId("edge1")).isEqualTo(edge1);
    assertThat(edge2).isNotEqualTo(edge1);
    long maxAs = 0xFFFF_FFFFL;
    table.insert(Direction.RECEIVE, edge1, maxAs, 0, 0);
    table.insert(Direction.TRANSMIT, edge1, maxAs, 0, 1);
    table.insert(Direction.RECEIVE, edge2, maxAs, 0, 2);
    table.insert(Direction.RECEIVE, edge1, 0, maxAs, 3);
    assertThat(table.find(Direction.RECEIVE, edge1, maxAs, 0)).isEqualTo(0);
    assertThat(table.find(Direction.TRANSMIT, edge1, maxAs, 0)).isEqualTo(1);
    assertThat(table.find(Direction.RECEIVE, edge2, maxAs, 0)).isEqualTo(2);
    assertThat(table.find(Direction.RECEIVE, edge1, 0, maxAs)).isEqualTo(3);
    assertThat(table.find(Direction.TRANSMIT, edge2, maxAs, 0)).isEqualTo(-1);
    table.clear();
    assertThat(table.find(Direction.RECEIVE, table.hostId("edge1"), maxAs, 0)).isEqualTo(-1);
  }

  private static SeriesKey randomKey(Random random) {
    return new SeriesKey(
        random.nextBoolean() ? Direction.RECEIVE : Direction.TRANSMIT,
        "router-" + random.nextInt(40),
        random.nextInt(8000),
        random.nextInt(3) == 0 ? 4_294_967_295L - random.nextInt(3) : 64500);
  }
}
