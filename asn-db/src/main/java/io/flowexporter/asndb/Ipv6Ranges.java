package io.flowexporter.asndb;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Sorted, non-overlapping IPv6 ranges and their values (as {@link Ipv4Ranges}): each bound is two
 * longs (high and low 64 bits) in parallel primitive arrays, searched by binary search. Immutable
 * once built; safe from any thread.
 */
final class Ipv6Ranges implements IpText.Ipv6Visitor {

  private final long[] startHi;
  private final long[] startLo;
  private final long[] endHi;
  private final long[] endLo;
  private final int[] values;
  private final Ipv4Ranges ipv4;
  private final long[] aliasHi;
  private final long[] aliasLo;
  private final int[] aliasLength;

  private Ipv6Ranges(
      long[] startHi,
      long[] startLo,
      long[] endHi,
      long[] endLo,
      int[] values,
      Ipv4Ranges ipv4,
      List<long[]> aliases) {
    this.startHi = startHi;
    this.startLo = startLo;
    this.endHi = endHi;
    this.endLo = endLo;
    this.values = values;
    this.ipv4 = ipv4;
    this.aliasHi = new long[aliases.size()];
    this.aliasLo = new long[aliases.size()];
    this.aliasLength = new int[aliases.size()];
    for (int i = 0; i < aliases.size(); i++) {
      aliasHi[i] = aliases.get(i)[0];
      aliasLo[i] = aliases.get(i)[1];
      aliasLength[i] = (int) aliases.get(i)[2];
    }
  }

  /**
   * The value of a parsed IPv6 address, or 0. Addresses in {@code ::/96} (IPv4-compatible) and
   * {@code ::ffff:0:0/96} (IPv4-mapped) are looked up as IPv4. So are addresses under the other
   * prefixes the file's tree aliases to its IPv4 subtree ({@code 2002::/16} 6to4, {@code 2001::/32}
   * Teredo), using the 32 bits after the prefix: the answer MaxMind's own reader gives.
   */
  @Override
  public long visit(long hi, long lo) {
    long ipv4Address = ipv4Of(hi, lo);
    return ipv4Address >= 0 ? ipv4.find(ipv4Address) : find(hi, lo);
  }

  /**
   * The IPv4 address a parsed IPv6 address is looked up as (see {@link #visit}), or -1 when it is
   * looked up as IPv6.
   */
  long ipv4Of(long hi, long lo) {
    if (hi == 0 && ((lo >>> 32) == 0 || (lo >>> 32) == 0xFFFFL)) {
      return lo & 0xFFFF_FFFFL;
    }
    for (int i = 0; i < aliasLength.length; i++) {
      int length = aliasLength[i];
      if (length <= 64 && length + 32 <= 128 && (hi & (-1L << (64 - length))) == aliasHi[i]) {
        long ipv4Bits =
            length + 32 <= 64
                ? hi >>> (32 - length)
                : (hi << (length - 32)) | (lo >>> (96 - length));
        return ipv4Bits & 0xFFFF_FFFFL;
      }
    }
    return -1;
  }

  long find(long hi, long lo) {
    int low = 0;
    int high = startHi.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = Long.compareUnsigned(startHi[mid], hi);
      if (c < 0 || (c == 0 && Long.compareUnsigned(startLo[mid], lo) <= 0)) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (high < 0) {
      return 0;
    }
    int c = Long.compareUnsigned(endHi[high], hi);
    boolean inside = c > 0 || (c == 0 && Long.compareUnsigned(endLo[high], lo) >= 0);
    return inside ? Integer.toUnsignedLong(values[high]) : 0;
  }

  int size() {
    return startHi.length;
  }

  long heapBytes() {
    return 4L * (16 + 8L * startHi.length) + 16 + 4L * values.length;
  }

  /** Collects ranges in any order (tree order is already sorted, which is checked, not assumed). */
  static final class Builder {
    private long[] startHi = new long[1024];
    private long[] startLo = new long[1024];
    private long[] endHi = new long[1024];
    private long[] endLo = new long[1024];
    private int[] values = new int[1024];
    private int size;
    private boolean sorted = true;

    void add(long sHi, long sLo, long eHi, long eLo, long value) {
      if (size == values.length) {
        int n = size * 2;
        startHi = Arrays.copyOf(startHi, n);
        startLo = Arrays.copyOf(startLo, n);
        endHi = Arrays.copyOf(endHi, n);
        endLo = Arrays.copyOf(endLo, n);
        values = Arrays.copyOf(values, n);
      }
      if (size > 0 && compare(startHi[size - 1], startLo[size - 1], sHi, sLo) > 0) {
        sorted = false;
      }
      startHi[size] = sHi;
      startLo[size] = sLo;
      endHi[size] = eHi;
      endLo[size] = eLo;
      values[size] = (int) value;
      size++;
    }

    int size() {
      return size;
    }

    Ipv6Ranges build(Ipv4Ranges ipv4, List<long[]> aliases) {
      if (!sorted) {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
          order[i] = i;
        }
        Arrays.sort(
            order,
            Comparator.comparing(
                i -> i, (a, b) -> compare(startHi[a], startLo[a], startHi[b], startLo[b])));
        long[] sh = new long[size];
        long[] sl = new long[size];
        long[] eh = new long[size];
        long[] el = new long[size];
        int[] vs = new int[size];
        for (int i = 0; i < size; i++) {
          int k = order[i];
          sh[i] = startHi[k];
          sl[i] = startLo[k];
          eh[i] = endHi[k];
          el[i] = endLo[k];
          vs[i] = values[k];
        }
        startHi = sh;
        startLo = sl;
        endHi = eh;
        endLo = el;
        values = vs;
      }
      return new Ipv6Ranges(
          Arrays.copyOf(startHi, size),
          Arrays.copyOf(startLo, size),
          Arrays.copyOf(endHi, size),
          Arrays.copyOf(endLo, size),
          Arrays.copyOf(values, size),
          ipv4,
          aliases);
    }

    private static int compare(long aHi, long aLo, long bHi, long bLo) {
      int c = Long.compareUnsigned(aHi, bHi);
      return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }
  }
}
