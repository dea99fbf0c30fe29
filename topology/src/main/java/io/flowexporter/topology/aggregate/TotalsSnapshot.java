package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.series.SeriesKey;
import io.flowexporter.topology.series.Unit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The committed totals of every series this instance exposes, as one scrape reads them: parallel
 * arrays in the order the owner stores published their series, nothing per series but the key
 * reference. Each series has one owner partition, so a snapshot is the stores' views laid end to
 * end, with no merging; a scrape of 100,000 series spent more time building a hash map of them than
 * writing the text.
 */
public final class TotalsSnapshot {

  /** No series. */
  public static final TotalsSnapshot EMPTY = new TotalsSnapshot(new SeriesKey[0], new long[0], 0);

  private final SeriesKey[] keys;

  /**
   * Bytes, packets and flows of series {@code i} at {@code 3 * i}, {@code 3 * i + 1}, {@code 3 * i
   * + 2}.
   */
  private final long[] totals;

  private final int size;

  TotalsSnapshot(SeriesKey[] keys, long[] totals, int size) {
    this.keys = keys;
    this.totals = totals;
    this.size = size;
  }

  /** A snapshot of the given totals, in the map's order; for tests and tools. */
  public static TotalsSnapshot of(Map<SeriesKey, Totals> totals) {
    SeriesKey[] keys = new SeriesKey[totals.size()];
    long[] sums = new long[3 * keys.length];
    int i = 0;
    for (Map.Entry<SeriesKey, Totals> e : totals.entrySet()) {
      keys[i] = e.getKey();
      sums[3 * i] = e.getValue().bytes();
      sums[3 * i + 1] = e.getValue().packets();
      sums[3 * i + 2] = e.getValue().flows();
      i++;
    }
    return new TotalsSnapshot(keys, sums, keys.length);
  }

  /** How many series. */
  public int size() {
    return size;
  }

  /** The key of series {@code i}, {@code 0 <= i < size()}. */
  public SeriesKey key(int i) {
    return keys[i];
  }

  /** The committed total of series {@code i} in one unit. */
  public long total(int i, Unit unit) {
    return totals[3 * i + unit.ordinal()];
  }

  /** The totals of series {@code i}. */
  public Totals totals(int i) {
    return new Totals(totals[3 * i], totals[3 * i + 1], totals[3 * i + 2]);
  }

  /** The snapshot as a map in snapshot order; for tests, the demo and diagnostics. */
  public Map<SeriesKey, Totals> asMap() {
    Map<SeriesKey, Totals> map = new LinkedHashMap<>((int) (size / 0.75f) + 1);
    for (int i = 0; i < size; i++) {
      map.put(keys[i], totals(i));
    }
    return map;
  }
}
