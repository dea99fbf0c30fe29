package io.flowexporter.topology.aggregate;

import java.util.Arrays;

/**
 * An open-addressing table from series-key bytes to an int, probed with a key still in a reusable
 * buffer, so that finding a series costs no allocation. Written by hand because the counting path
 * runs it once per record and family: a {@code HashMap} would need a key object per lookup.
 *
 * <p>Not thread-safe.
 */
final class ByteKeyIndex {

  private byte[][] keys;
  private int[] hashes;
  private int[] values;
  private int size;
  private final boolean onePartition;

  /** For keys of every owner partition (the first stage's): their hashes are taken as they are. */
  ByteKeyIndex(int capacity) {
    this(capacity, false);
  }

  /**
   * @param onePartition whether the keys are those of one owner partition (an owner's store): their
   *     hashes are then mixed before use ({@link #start})
   */
  ByteKeyIndex(int capacity, boolean onePartition) {
    this.onePartition = onePartition;
    int c = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
    keys = new byte[c][];
    hashes = new int[c];
    values = new int[c];
  }

  /** The value of the key held in {@code b[offset, offset + length)}, or -1. */
  int get(byte[] b, int offset, int length, int hash) {
    int mask = keys.length - 1;
    for (int i = start(hash) & mask; ; i = (i + 1) & mask) {
      byte[] k = keys[i];
      if (k == null) {
        return -1;
      }
      if (hashes[i] == hash
          && k.length == length
          && Arrays.equals(k, 0, length, b, offset, offset + length)) {
        return values[i];
      }
    }
  }

  /** Adds a key that is not in the table; {@code key} is kept, not copied. */
  void put(byte[] key, int hash, int value) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    insert(key, hash, value);
    size++;
  }

  int size() {
    return size;
  }

  /** Empties the table, keeping its capacity unless it is far larger than what was in it. */
  void clear() {
    if (keys.length > 1024 && size * 8 < keys.length) {
      int c = Integer.highestOneBit(Math.max(16, size * 2)) << 1;
      keys = new byte[c][];
      hashes = new int[c];
      values = new int[c];
    } else {
      Arrays.fill(keys, null);
    }
    size = 0;
  }

  private void insert(byte[] key, int hash, int value) {
    int mask = keys.length - 1;
    int i = start(hash) & mask;
    while (keys[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = key;
    hashes[i] = hash;
    values[i] = value;
  }

  /**
   * Where a key's probe starts. The hash's low bits also pick the key's owner partition, so the
   * keys of one owner agree on them modulo the partitions: taken as they are, they would start
   * every probe in one of every P places, and with 48 owner partitions a lookup went through 7.6
   * places on average instead of 1.2 (the mean probe length of keys of one partition, {@code
   * ByteKeyIndexTest}). Mixed only there: the first stage's table, looked up once per record, holds
   * keys of every partition, whose low bits vary.
   */
  private int start(int hash) {
    if (!onePartition) {
      return hash;
    }
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** How many places a lookup of a held key goes through, on average: for tests. */
  double meanProbeLength() {
    int mask = keys.length - 1;
    long probes = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != null) {
        probes += ((i - start(hashes[i])) & mask) + 1;
      }
    }
    return size == 0 ? 0 : probes / (double) size;
  }

  private void grow() {
    byte[][] oldKeys = keys;
    int[] oldHashes = hashes;
    int[] oldValues = values;
    keys = new byte[oldKeys.length * 2][];
    hashes = new int[keys.length];
    values = new int[keys.length];
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != null) {
        insert(oldKeys[j], oldHashes[j], oldValues[j]);
      }
    }
  }
}
