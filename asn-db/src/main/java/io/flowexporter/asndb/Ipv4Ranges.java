package io.flowexporter.asndb;

import java.util.Arrays;

/**
 * Sorted, non-overlapping IPv4 ranges and their values (AS numbers, or country codes as numbers),
 * in three primitive arrays, searched by binary search. A table of 65,536 entries (one per /16)
 * narrows each search to the ranges that can hold the address, so a lookup touches a few cache
 * lines, not twenty. Range bounds are stored with the sign bit flipped so that signed int
 * comparison orders them as unsigned addresses; values are unsigned ints, 0 standing for none.
 * Immutable once built; safe from any thread.
 */
final class Ipv4Ranges {

  private final int[] starts;
  private final int[] ends;
  private final int[] values;

  /** firstIndex[b]: the first range starting at or after b.0.0 (b = the top 16 bits). */
  private final int[] firstIndex;

  private Ipv4Ranges(int[] starts, int[] ends, int[] values) {
    this.starts = starts;
    this.ends = ends;
    this.values = values;
    this.firstIndex = new int[(1 << 16) + 1];
    int i = 0;
    for (int bucket = 0; bucket <= 1 << 16; bucket++) {
      long bucketStart = (long) bucket << 16;
      while (i < starts.length
          && Integer.toUnsignedLong(starts[i] ^ Integer.MIN_VALUE) < bucketStart) {
        i++;
      }
      firstIndex[bucket] = i;
    }
  }

  /** The value of an unsigned 32-bit address, or 0 when no range holds it. */
  long find(long address) {
    int key = (int) address ^ Integer.MIN_VALUE;
    int bucket = (int) (address >>> 16);
    // the range holding the address starts in its /16, or is the last one before it
    int lo = Math.max(0, firstIndex[bucket] - 1);
    int hi = firstIndex[bucket + 1] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] <= key) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    // hi is the last range starting at or before the address
    return hi >= 0 && ends[hi] >= key ? Integer.toUnsignedLong(values[hi]) : 0;
  }

  int size() {
    return starts.length;
  }

  long heapBytes() {
    return 3L * (16 + 4L * starts.length) + 16 + 4L * firstIndex.length;
  }

  /** Collects ranges in any order; sorts them and merges neighbours of the same value. */
  static final class Builder {
    private long[] packed = new long[1024]; // start << 32 | index into ends/values
    private int[] ends = new int[1024];
    private int[] values = new int[1024];
    private int size;

    /**
     * @param value an unsigned 32-bit value, not 0
     */
    void add(long start, long end, long value) {
      if (size == ends.length) {
        packed = Arrays.copyOf(packed, size * 2);
        ends = Arrays.copyOf(ends, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      packed[size] = (start << 32) | size;
      ends[size] = (int) end;
      values[size] = (int) value;
      size++;
    }

    int size() {
      return size;
    }

    Ipv4Ranges build() {
      // unsigned order of start == signed order of (start << 32) only if we compare unsigned
      long[] order = Arrays.copyOf(packed, size);
      for (int i = 0; i < size; i++) {
        order[i] ^= Long.MIN_VALUE;
      }
      Arrays.sort(order);
      int[] outStarts = new int[size];
      int[] outEnds = new int[size];
      int[] outValues = new int[size];
      int n = 0;
      for (int i = 0; i < size; i++) {
        long entry = order[i] ^ Long.MIN_VALUE;
        int index = (int) entry;
        int start = (int) (entry >>> 32);
        int end = ends[index];
        int value = values[index];
        if (n > 0 && outValues[n - 1] == value && outEnds[n - 1] + 1 == start && start != 0) {
          outEnds[n - 1] = end; // adjacent range of the same value: extend the previous one
          continue;
        }
        outStarts[n] = start;
        outEnds[n] = end;
        outValues[n] = value;
        n++;
      }
      for (int i = 0; i < n; i++) {
        outStarts[i] ^= Integer.MIN_VALUE;
        outEnds[i] ^= Integer.MIN_VALUE;
      }
      return new Ipv4Ranges(
          Arrays.copyOf(outStarts, n), Arrays.copyOf(outEnds, n), Arrays.copyOf(outValues, n));
    }
  }
}
