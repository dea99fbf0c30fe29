package io.flowexporter.asndb;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * AS number → organisation name, as an open-addressing hash table over a primitive key array
 * (no boxing on lookup). Equal names share one String. Immutable once built; safe from any
 * thread.
 */
final class AsnNames {

  private static final long EMPTY = -1L;

  private final long[] keys;
  private final String[] names;
  private final int mask;
  private final int size;

  private AsnNames(long[] keys, String[] names, int size) {
    this.keys = keys;
    this.names = names;
    this.mask = keys.length - 1;
    this.size = size;
  }

  /** The name of an AS, or "" if it has none here. */
  String nameOf(long asn) {
    if (asn < 0) {
      return ""; // also keeps the EMPTY marker from matching
    }
    int slot = spread(asn) & mask;
    while (true) {
      long key = keys[slot];
      if (key == asn) {
        return names[slot];
      }
      if (key == EMPTY) {
        return "";
      }
      slot = (slot + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  /** A rough size of the table itself (the name strings are not counted: they're shared). */
  long heapBytes() {
    return 2L * (16 + 8L * keys.length);
  }

  private static int spread(long asn) {
    long h = asn * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h >>> 32);
  }

  /** Collects names; the first name given for an AS wins, empty names are ignored. */
  static final class Builder {
    private final Map<Long, String> byAsn = new HashMap<>();
    private final Map<String, String> unique = new HashMap<>();

    void put(long asn, String name) {
      if (name.isEmpty() || asn < 0 || byAsn.containsKey(asn)) {
        return;
      }
      byAsn.put(asn, unique.computeIfAbsent(name, n -> n));
    }

    int size() {
      return byAsn.size();
    }

    boolean contains(long asn) {
      return byAsn.containsKey(asn);
    }

    AsnNames build() {
      int capacity = Integer.highestOneBit(Math.max(4, byAsn.size() * 2 + 1) - 1) << 1;
      long[] keys = new long[capacity];
      String[] names = new String[capacity];
      Arrays.fill(keys, EMPTY);
      int mask = capacity - 1;
      for (Map.Entry<Long, String> e : byAsn.entrySet()) {
        long asn = e.getKey();
        int slot = spread(asn) & mask;
        while (keys[slot] != EMPTY) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = asn;
        names[slot] = e.getValue();
      }
      return new AsnNames(keys, names, byAsn.size());
    }
  }
}
