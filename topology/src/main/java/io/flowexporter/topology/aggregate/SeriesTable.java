package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.enrich.Direction;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the index of a series from its labels without building a key object: an open-addressing
 * table of two longs per slot. Stream thread only.
 *
 * <p>Why not a {@code HashMap<SeriesKey, ...>}: with tens of thousands of series per partition a
 * lookup followed four pointers (table, node, key, hostname) into a heap much larger than the CPU
 * caches, and was the costliest step of counting a record (and it needed a key object per
 * record). Here a lookup reads one slot, after the router name has been looked up among a handful
 * of known names.
 *
 * <p>Slot layout: {@code [source AS << 32 | destination AS, (index + 1) << 32 | host id << 1 |
 * direction]}; a second word of 0 marks an empty slot. AS numbers are unsigned 32-bit values.
 */
final class SeriesTable {

  private static final int NOT_FOUND = -1;
  /** More distinct router names than this per partition are not given ids: see {@link #hostId}. */
  static final int MAX_HOSTS = 1 << 20;

  private final Map<String, Integer> hostIds = new HashMap<>();
  private long[] slots;
  private int mask;
  private int size;

  SeriesTable() {
    clear();
  }

  /** The id of a router name, given on first sight; -1 once {@link #MAX_HOSTS} are known. */
  int hostId(String hostname) {
    Integer id = hostIds.get(hostname);
    if (id != null) {
      return id;
    }
    int next = hostIds.size();
    if (next >= MAX_HOSTS) {
      return -1;
    }
    hostIds.put(hostname, next);
    return next;
  }

  /** The index stored for these labels, or -1. */
  int find(Direction direction, int hostId, long sourceAs, long destinationAs) {
    long k1 = sourceAs << 32 | destinationAs;
    long k2 = labels(direction, hostId);
    for (int i = slot(k1, k2); ; i = (i + 2) & mask) {
      long stored = slots[i + 1];
      if (stored == 0) {
        return NOT_FOUND;
      }
      if (slots[i] == k1 && (stored & 0xFFFF_FFFFL) == k2) {
        return (int) (stored >>> 32) - 1;
      }
    }
  }

  /** Stores {@code index} for labels that are not in the table yet. */
  void insert(Direction direction, int hostId, long sourceAs, long destinationAs, int index) {
    if ((size + 1) * 4L > slots.length) { // above half full: two longs per slot
      grow();
    }
    place(sourceAs << 32 | destinationAs, (long) (index + 1) << 32 | labels(direction, hostId));
    size++;
  }

  void clear() {
    hostIds.clear();
    slots = new long[2 * 64];
    mask = slots.length - 1;
    size = 0;
  }

  private void place(long k1, long k2) {
    int i = slot(k1, k2 & 0xFFFF_FFFFL);
    while (slots[i + 1] != 0) {
      i = (i + 2) & mask;
    }
    slots[i] = k1;
    slots[i + 1] = k2;
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    mask = slots.length - 1;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i + 1] != 0) {
        place(old[i], old[i + 1]);
      }
    }
  }

  private int slot(long k1, long k2) {
    long h = (k1 ^ k2 * 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
    h ^= h >>> 31;
    return (int) h & mask & ~1;
  }

  private static long labels(Direction direction, int hostId) {
    return (long) hostId << 1 | direction.ordinal();
  }
}
