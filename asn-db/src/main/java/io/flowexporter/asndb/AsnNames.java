package io.flowexporter.asndb;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * AS number → organisation name, as an open-addressing hash table over a primitive key array (no
 * boxing on lookup). Equal names share one String. Immutable once built; safe from any thread.
 */
final class AsnNames {

  private static final long EMPTY = -1L;

  private final long[] keys;
  private final String[] names;
  private final int size;

  private AsnNames(long[] keys, String[] names, int size) {
    this.keys = keys;
    this.names = names;
    this.size = size;
  }

  /** The name of an AS, or "" if it has none here. */
  String nameOf(long asn) {
    return find(keys, names, asn);
  }

  private static String find(long[] keys, String[] names, long asn) {
    if (asn < 0) {
      return ""; // also keeps the EMPTY marker from matching
    }
    int mask = keys.length - 1;
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
    private long[] keys = newKeys(1024);
    private String[] names = new String[1024];
    private int size;
    private final Map<String, String> unique = new HashMap<>();

    void put(long asn, String name) {
      if (name.isEmpty() || asn < 0 || contains(asn)) {
        return;
      }
      if (2 * (size + 1) > keys.length) {
        grow();
      }
      insert(keys, names, asn, unique.computeIfAbsent(name, n -> n));
      size++;
    }

    int size() {
      return size;
    }

    boolean contains(long asn) {
      return !find(keys, names, asn).isEmpty();
    }

    AsnNames build() {
      return new AsnNames(keys.clone(), names.clone(), size);
    }

    private void grow() {
      long[] oldKeys = keys;
      String[] oldNames = names;
      keys = newKeys(oldKeys.length * 2);
      names = new String[oldKeys.length * 2];
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != EMPTY) {
          insert(keys, names, oldKeys[i], oldNames[i]);
        }
      }
    }

    private static long[] newKeys(int capacity) {
      long[] keys = new long[capacity];
      Arrays.fill(keys, EMPTY);
      return keys;
    }

    private static void insert(long[] keys, String[] names, long asn, String name) {
      int mask = keys.length - 1;
      int slot = spread(asn) & mask;
      while (keys[slot] != EMPTY) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = asn;
      names[slot] = name;
    }
  }
}
