package io.flowexporter.asndb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the binary search tree of a MaxMind DB file and decodes each distinct data record once.
 *
 * <p>Why not {@code Reader.networks()}: the maxmind-db iterator builds an {@code InetAddress}, a
 * {@code Network} and a cache lookup for every one of the ~600,000 networks of a real ASN file,
 * which took 2.2–2.7 s for the first load in a fresh JVM (measured with {@code bench/asn-db}),
 * over the 2 s budget. This walker keeps addresses as two longs, remembers records by data-section
 * offset in a primitive table, and loads the same file in about half a second on a quiet machine
 * (figures in docs/asn-database.md). maxmind-db's {@code Reader} still opens the file first and
 * parses and checks its metadata.
 *
 * <p>Follows the MaxMind DB format 2.0 spec: 24-, 28- or 32-bit records, a 16-byte separator,
 * then the data section. In an IPv6 tree the IPv4 networks live under {@code ::/96}; the aliases
 * writers add for {@code ::ffff:0:0/96}, {@code 2001::/32} and {@code 2002::/16} point back to that
 * subtree and are skipped, as the maxmind-db iterator does. One walker per load; not thread-safe.
 * Damaged files surface as runtime exceptions (index out of bounds, {@link IllegalStateException}).
 */
final class MmdbWalker {

  /** Receives each network with data, in address order, IPv4 ones first. */
  interface Sink {
    /**
     * @param ipv4 whether this is an IPv4 network (then {@code lo} holds it in its low 32 bits)
     * @param prefix the prefix length within its family (0–32 or 0–128)
     * @param record the index of the network's record in {@link #records()}
     */
    void network(boolean ipv4, long hi, long lo, int prefix, int record);
  }

  private static final int POINTER = 1;
  private static final int STRING = 2;
  private static final int DOUBLE = 3;
  private static final int BYTES = 4;
  private static final int UINT16 = 5;
  private static final int UINT32 = 6;
  private static final int MAP = 7;
  private static final int INT32 = 8;
  private static final int UINT64 = 9;
  private static final int UINT128 = 10;
  private static final int ARRAY = 11;
  private static final int BOOLEAN = 14;
  private static final int FLOAT = 15;

  private final byte[] buffer;
  private final long nodeCount;
  private final int recordSize;
  private final int ipVersion;
  private final int dataStart;

  private final OffsetTable recordsByOffset = new OffsetTable();
  private final List<Map<String, Object>> records = new ArrayList<>();
  private final List<long[]> aliases = new ArrayList<>();
  private int position; // decoder cursor, absolute
  private int nesting;

  MmdbWalker(byte[] buffer, long nodeCount, int recordSize, int ipVersion) {
    if (recordSize != 24 && recordSize != 28 && recordSize != 32) {
      throw new IllegalStateException("unsupported record size " + recordSize);
    }
    if (ipVersion != 4 && ipVersion != 6) {
      throw new IllegalStateException("unsupported ip_version " + ipVersion);
    }
    long treeBytes = nodeCount * recordSize / 4;
    if (treeBytes + 16 > buffer.length) {
      throw new IllegalStateException("file is shorter than its search tree (truncated?)");
    }
    this.buffer = buffer;
    this.nodeCount = nodeCount;
    this.recordSize = recordSize;
    this.ipVersion = ipVersion;
    this.dataStart = (int) treeBytes + 16;
  }

  /**
   * The IPv6 prefixes that the walk found aliased to the IPv4 subtree, as {hi, lo, prefix length}:
   * typically {@code ::ffff:0:0/96}, {@code 2001::/32} (Teredo) and {@code 2002::/16} (6to4).
   */
  List<long[]> aliases() {
    return aliases;
  }

  /** The distinct data records met so far, decoded (nested maps and arrays are left out). */
  List<Map<String, Object>> records() {
    return records;
  }

  /** Walks the whole tree, depth first, left (0) before right (1): address order. */
  void walk(Sink sink) {
    int base = ipVersion == 4 ? 96 : 0; // IPv4 trees are placed at ::/96 in the 128-bit space
    long ipv4Start = ipVersion == 6 ? ipv4Start() : -1;
    long[] nodes = new long[260];
    int[] depths = new int[260];
    long[] his = new long[260];
    long[] los = new long[260];
    long visited = 0;
    int top;
    nodes[0] = 0;
    depths[0] = base;
    top = 1;
    while (top > 0) {
      top--;
      long node = nodes[top];
      int depth = depths[top];
      long hi = his[top];
      long lo = los[top];
      if (node > nodeCount) { // a data record, pushed in order like the nodes
        int record = recordAt(node - nodeCount - 16);
        boolean ipv4 = depth >= 96 && hi == 0 && (lo >>> 32) == 0;
        sink.network(ipv4, hi, lo, ipv4 ? depth - 96 : depth, record);
        continue;
      }
      if (depth >= 128) {
        throw new IllegalStateException("invalid search tree: deeper than 128 bits");
      }
      if (++visited > nodeCount) { // a tree reaches each node once; a damaged one may loop
        throw new IllegalStateException("invalid search tree: a node is reached twice");
      }
      for (int side = 1; side >= 0; side--) { // right pushed first, so left comes out first
        long value = readRecord(node, side);
        long childHi = hi;
        long childLo = lo;
        if (side == 1) {
          if (depth < 64) {
            childHi |= 1L << (63 - depth);
          } else {
            childLo |= 1L << (127 - depth);
          }
        }
        if (value == nodeCount) {
          continue; // no data
        }
        if (value == ipv4Start && (childHi != 0 || (childLo >>> 32) != 0)) {
          aliases.add(new long[] {childHi, childLo, depth + 1});
          continue; // an alias of the IPv4 subtree: walked under ::/96 already
        }
        nodes[top] = value;
        depths[top] = depth + 1;
        his[top] = childHi;
        los[top] = childLo;
        top++;
      }
    }
  }

  private long ipv4Start() {
    long node = 0;
    for (int i = 0; i < 96 && node < nodeCount; i++) {
      node = readRecord(node, 0);
    }
    return node < nodeCount ? node : -1;
  }

  private long readRecord(long node, int side) {
    switch (recordSize) {
      case 24: {
        int at = (int) (node * 6) + side * 3;
        return uint(at, 3);
      }
      case 28: {
        int at = (int) (node * 7);
        int middle = buffer[at + 3] & 0xFF;
        return side == 0
            ? ((long) (middle & 0xF0) << 20) | uint(at, 3)
            : ((long) (middle & 0x0F) << 24) | uint(at + 4, 3);
      }
      default:
        return uint((int) (node * 8) + side * 4, 4);
    }
  }

  private long uint(int at, int bytes) {
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value = (value << 8) | (buffer[at + i] & 0xFF);
    }
    return value;
  }

  private int recordAt(long dataOffset) {
    if (dataOffset < 0 || dataStart + dataOffset >= buffer.length) {
      throw new IllegalStateException("search tree points outside the data section");
    }
    int known = recordsByOffset.get(dataOffset);
    if (known >= 0) {
      return known;
    }
    position = dataStart + (int) dataOffset;
    Object value = decode();
    @SuppressWarnings("unchecked")
    Map<String, Object> record = value instanceof Map ? (Map<String, Object>) value : Map.of();
    records.add(record);
    recordsByOffset.put(dataOffset, records.size() - 1);
    return records.size() - 1;
  }

  /** Decodes the value at {@link #position} and moves past it. */
  private Object decode() {
    if (++nesting > 32) {
      throw new IllegalStateException("data nested deeper than 32 levels (damaged file?)");
    }
    try {
      return decodeValue();
    } finally {
      nesting--;
    }
  }

  private Object decodeValue() {
    int ctrl = buffer[position++] & 0xFF;
    int type = ctrl >>> 5;
    if (type == POINTER) {
      int pointer = pointer(ctrl);
      int after = position;
      position = dataStart + pointer;
      Object value = decode();
      position = after;
      return value;
    }
    if (type == 0) {
      type = 7 + (buffer[position++] & 0xFF);
    }
    int size = size(ctrl);
    switch (type) {
      case STRING: {
        byte[] bytes = new byte[size];
        System.arraycopy(buffer, position, bytes, 0, size);
        position += size;
        return new String(bytes, StandardCharsets.UTF_8);
      }
      case UINT16:
      case UINT32:
      case UINT64:
      case UINT128:
      case INT32: {
        if (size > 8) {
          position += size;
          return null; // beyond a long: not an AS number anyway
        }
        long value = uint(position, size);
        position += size;
        return type == INT32 && size == 4 ? (long) (int) value : value;
      }
      case MAP: {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < size; i++) {
          Object key = decode();
          if (!(key instanceof String)) {
            throw new IllegalStateException("map key is not a string");
          }
          map.put((String) key, decode());
        }
        return map;
      }
      default:
        skipPayload(type, size);
        return null;
    }
  }

  /** Moves {@link #position} past the value there without decoding it. */
  private void skip() {
    int ctrl = buffer[position++] & 0xFF;
    int type = ctrl >>> 5;
    if (type == POINTER) {
      position += ((ctrl >>> 3) & 3) + 1;
      return;
    }
    if (type == 0) {
      type = 7 + (buffer[position++] & 0xFF);
    }
    skipPayload(type, size(ctrl));
  }

  private void skipPayload(int type, int size) {
    switch (type) {
      case MAP:
        for (int i = 0; i < 2 * size; i++) {
          skip();
        }
        return;
      case ARRAY:
        for (int i = 0; i < size; i++) {
          skip();
        }
        return;
      case BOOLEAN:
        return;
      case STRING, DOUBLE, BYTES, UINT16, UINT32, INT32, UINT64, UINT128, FLOAT:
        position += size;
        return;
      default:
        throw new IllegalStateException("unknown data type " + type + " in the data section");
    }
  }

  private int pointer(int ctrl) {
    int sizeBits = (ctrl >>> 3) & 3;
    int high = ctrl & 7;
    long value =
        switch (sizeBits) {
          case 0 -> ((long) high << 8) | uint(position, 1);
          case 1 -> (((long) high << 16) | uint(position, 2)) + 2048;
          case 2 -> (((long) high << 24) | uint(position, 3)) + 526_336;
          default -> uint(position, 4);
        };
    position += sizeBits + 1;
    if (value >= buffer.length - dataStart) {
      throw new IllegalStateException("data pointer outside the data section");
    }
    return (int) value;
  }

  /** Reads the size that follows a control byte (and its extended-type byte) at position. */
  private int size(int ctrl) {
    int size = ctrl & 0x1F;
    if (size < 29) {
      return size;
    }
    int bytes = size - 28;
    long extra = uint(position, bytes);
    position += bytes;
    return (int) (size == 29 ? 29 + extra : size == 30 ? 285 + extra : 65_821 + extra);
  }

  /** Data-section offset → record index: open addressing over primitive arrays. */
  private static final class OffsetTable {
    private long[] keys = filled(1 << 12);
    private int[] values = new int[1 << 12];
    private int size;

    int get(long key) {
      int mask = keys.length - 1;
      for (int slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
        if (keys[slot] == key) {
          return values[slot];
        }
        if (keys[slot] == -1) {
          return -1;
        }
      }
    }

    void put(long key, int value) {
      if (2 * (size + 1) > keys.length) {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = filled(oldKeys.length * 2);
        values = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
          if (oldKeys[i] != -1) {
            insert(oldKeys[i], oldValues[i]);
          }
        }
      }
      insert(key, value);
      size++;
    }

    private void insert(long key, int value) {
      int mask = keys.length - 1;
      int slot = hash(key) & mask;
      while (keys[slot] != -1) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      values[slot] = value;
    }

    private static int hash(long key) {
      return (int) ((key * 0x9E37_79B9_7F4A_7C15L) >>> 32);
    }

    private static long[] filled(int n) {
      long[] a = new long[n];
      Arrays.fill(a, -1);
      return a;
    }
  }
}
