package io.flowexporter.topology.aggregate;

import java.util.Arrays;

/**
 * An open-addressing table from series-key bytes to an int, probed with a key still in a reusable
 * buffer, so that finding a series costs no allocation. Written by hand because the counting path
 * runs it once per record and family: a {@code HashMap} would need a key object per lookup.
 *
 * <p>A slot packs the key's hash and the value into one long, so a probe reads one array element
 * before it touches a key: with tens of thousands of series the table does not fit in the CPU's
 * near caches, and each separate array read was a cache miss of its own.
 *
 * <p>Not thread-safe.
 */
final class ByteKeyIndex {

  /** The hash in the high half, the value + 1 in the low half; 0 for an empty slot. */
  private long[] slots;

  private byte[][] keys;
  private int size;

  ByteKeyIndex(int capacity) {
    allocate(Integer.highestOneBit(Math.max(16, capacity - 1)) << 1);
  }

  /** The value of the key held in {@code b[offset, offset + length)}, or -1. */
  int get(byte[] b, int offset, int length, int hash) {
    long[] s = slots;
    int mask = s.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      long slot = s[i];
      if (slot == 0) {
        return -1;
      }
      if ((int) (slot >>> 32) == hash) {
        byte[] k = keys[i];
        if (k.length == length && Arrays.equals(k, 0, length, b, offset, offset + length)) {
          return (int) slot - 1;
        }
      }
    }
  }

  /** Adds a key that is not in the table; {@code key} is kept, not copied. */
  void put(byte[] key, int hash, int value) {
    if (value < 0 || value == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("value out of range: " + value);
    }
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    insert(key, ((long) hash << 32) | (value + 1));
    size++;
  }

  int size() {
    return size;
  }

  /** Empties the table, keeping its capacity unless it is far larger than what was in it. */
  void clear() {
    if (slots.length > 1024 && size * 8 < slots.length) {
      allocate(Integer.highestOneBit(Math.max(16, size * 2)) << 1);
    } else {
      Arrays.fill(slots, 0);
      Arrays.fill(keys, null);
    }
    size = 0;
  }

  private void allocate(int capacity) {
    slots = new long[capacity];
    keys = new byte[capacity][];
  }

  private void insert(byte[] key, long slot) {
    int mask = slots.length - 1;
    int i = (int) (slot >>> 32) & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = slot;
    keys[i] = key;
  }

  private void grow() {
    long[] oldSlots = slots;
    byte[][] oldKeys = keys;
    allocate(oldSlots.length * 2);
    for (int j = 0; j < oldSlots.length; j++) {
      if (oldSlots[j] != 0) {
        insert(oldKeys[j], oldSlots[j]);
      }
    }
  }
}
