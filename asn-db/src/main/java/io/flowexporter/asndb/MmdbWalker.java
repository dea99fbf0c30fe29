package io.flowexporter.asndb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the binary search tree of a MaxMind DB file and decodes each distinct data record once,
 * only the fields a kind of database asks for ({@link Fields}).
 *
 * <p>Why not {@code Reader.networks()}: the maxmind-db iterator builds an {@code InetAddress}, a
 * {@code Network} and a cache lookup for every one of the ~600,000 networks of a real ASN file,
 * which took 2.2–2.7 s for the first load in a fresh JVM (measured with {@code bench/asn-db}), over
 * the 2 s budget. This walker keeps addresses as two longs, remembers records by data-section
 * offset in a primitive table, and loads the same file in about half a second on a quiet machine
 * (figures in docs/asn-database.md). maxmind-db's {@code Reader} still opens the file first and
 * parses and checks its metadata.
 *
 * <p>Follows the MaxMind DB format 2.0 spec: 24-, 28- or 32-bit records, a 16-byte separator, then
 * the data section. In an IPv6 tree the IPv4 networks live under {@code ::/96}; the aliases writers
 * add for {@code ::ffff:0:0/96}, {@code 2001::/32} and {@code 2002::/16} point back to that subtree
 * and are skipped, as the maxmind-db iterator does. One walker per load; not thread-safe. Damaged
 * files surface as runtime exceptions (index out of bounds, {@link IllegalStateException}).
 */
final class MmdbWalker {

  /** Receives each distinct record, and each network with data in address order, IPv4 first. */
  interface Sink {
    /**
     * A data record met for the first time, before the first network that has it. Records are
     * numbered from 0 in the order they are met. Maps inside {@code data} may be shared with other
     * records: read them, do not change them.
     *
     * @param data the record's fields that {@link Fields} asked for (empty if the record is not a
     *     map); nested maps are decoded as maps, arrays are left out
     */
    void record(int record, Map<String, Object> data);

    /**
     * @param ipv4 whether this is an IPv4 network (then {@code lo} holds it in its low 32 bits)
     * @param prefix the prefix length within its family (0–32 or 0–128)
     * @param record the number of the network's record, as given to {@link #record}
     */
    void network(boolean ipv4, long hi, long lo, int prefix, int record);
  }

  /**
   * Which fields of a record to decode: the others are skipped without being decoded, which keeps
   * the load of a city database (a dozen nested maps a record, names in eight languages) fast.
   * Immutable.
   */
  static final class Fields {
    /** Everything: every field, nested maps in full (arrays are always left out). */
    static final Fields ALL = new Fields(null);

    private final Map<String, Fields> kept; // null: all

    private Fields(Map<String, Fields> kept) {
      this.kept = kept;
    }

    /**
     * The fields named by dotted paths, e.g. {@code "country.iso_code"}: a map is decoded only for
     * the keys on some path; the value at a path's end is decoded in full. A value that is not a
     * map is decoded whatever paths go through it ({@code country} may be a map in one layout and a
     * string in another).
     */
    static Fields of(String... paths) {
      Map<String, Fields> root = new HashMap<>();
      for (String path : paths) {
        Map<String, Fields> level = root;
        String[] keys = path.split("\\.");
        for (int i = 0; i < keys.length; i++) {
          if (i == keys.length - 1) {
            level.put(keys[i], ALL);
          } else {
            Fields next = level.get(keys[i]);
            if (next == null) {
              next = new Fields(new HashMap<>());
              level.put(keys[i], next);
            } else if (next == ALL) {
              break; // a shorter path already keeps all of it
            }
            level = next.kept;
          }
        }
      }
      return new Fields(root);
    }

    /** How to decode the value of {@code key} in a map decoded with these fields; null: skip. */
    Fields child(String key) {
      return kept == null ? ALL : kept.get(key);
    }
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
  private final Fields fields;

  private final OffsetTable recordsByOffset = new OffsetTable();
  // values met through pointers, decoded once: map keys, and the maps and strings that records
  // share (a city file's country maps, say); maps with the fields they were decoded for
  private final OffsetTable pointedByOffset = new OffsetTable();
  private final List<Object> pointedValues = new ArrayList<>();
  private final List<Fields> pointedFields = new ArrayList<>();
  private final Set<String> fieldNames = new HashSet<>();
  private final List<long[]> aliases = new ArrayList<>();
  private int recordCount;
  private boolean atRecord; // the next map decoded is a record's top level
  private Sink sink;
  private int position; // decoder cursor, absolute
  private int nesting;

  /**
   * @param fields what to decode of each record
   */
  MmdbWalker(byte[] buffer, long nodeCount, int recordSize, int ipVersion, Fields fields) {
    if (recordSize != 24 && recordSize != 28 && recordSize != 32) {
      throw new IllegalStateException("unsupported record size " + recordSize);
    }
    if (ipVersion != 4 && ipVersion != 6) {
      throw new IllegalStateException("unsupported ip_version " + ipVersion);
    }
    // nodeCount comes from the file: bounded first, so that the product cannot overflow
    long treeBytes =
        nodeCount < 0 || nodeCount > buffer.length ? Long.MAX_VALUE : nodeCount * recordSize / 4;
    if (treeBytes > buffer.length - 16L) {
      throw new IllegalStateException("file is shorter than its search tree (truncated?)");
    }
    this.buffer = buffer;
    this.nodeCount = nodeCount;
    this.recordSize = recordSize;
    this.ipVersion = ipVersion;
    this.dataStart = (int) treeBytes + 16;
    this.fields = fields;
  }

  /**
   * The IPv6 prefixes that the walk found aliased to the IPv4 subtree, as {hi, lo, prefix length}:
   * typically {@code ::ffff:0:0/96}, {@code 2001::/32} (Teredo) and {@code 2002::/16} (6to4).
   */
  List<long[]> aliases() {
    return aliases;
  }

  /** How many distinct data records the walk met. */
  int recordCount() {
    return recordCount;
  }

  /**
   * The names of the top-level fields of the records met so far, decoded or not: what a file holds,
   * for messages about files of the wrong kind.
   */
  Set<String> fieldNames() {
    return fieldNames;
  }

  /** Walks the whole tree, depth first, left (0) before right (1): address order. */
  void walk(Sink sink) {
    this.sink = sink;
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
        if (ipVersion == 6 && depth < 96 && hi == 0 && lo == 0) {
          // A network that holds ::/96 whole (a home-made file's ::/0 default, say) holds every
          // IPv4 address: MaxMind's reader answers IPv4 lookups from it, and so does the index.
          sink.network(true, 0, 0, 0, record);
        }
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
      case 24:
        {
          int at = (int) (node * 6) + side * 3;
          return uint(at, 3);
        }
      case 28:
        {
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
    atRecord = true;
    Object value = decode(fields);
    atRecord = false;
    @SuppressWarnings("unchecked")
    Map<String, Object> record = value instanceof Map ? (Map<String, Object>) value : Map.of();
    int number = recordCount++;
    recordsByOffset.put(dataOffset, number);
    sink.record(number, record);
    return number;
  }

  /** Decodes the value at {@link #position}, only {@code wanted} of a map, and moves past it. */
  private Object decode(Fields wanted) {
    if (++nesting > 32) {
      throw new IllegalStateException("data nested deeper than 32 levels (damaged file?)");
    }
    try {
      return decodeValue(wanted);
    } finally {
      nesting--;
    }
  }

  private Object decodeValue(Fields wanted) {
    int ctrl = buffer[position++] & 0xFF;
    int type = ctrl >>> 5;
    if (type == POINTER) {
      return pointed(pointer(ctrl), wanted);
    }
    if (type == 0) {
      type = 7 + (buffer[position++] & 0xFF);
    }
    int size = size(ctrl);
    switch (type) {
      case STRING:
        {
          String text = new String(buffer, position, size, StandardCharsets.UTF_8);
          position += size;
          return text;
        }
      case UINT16:
      case UINT32:
      case UINT64:
      case UINT128:
      case INT32:
        {
          if (size > 8) {
            position += size;
            return null; // beyond a long: not an AS number anyway
          }
          long value = uint(position, size);
          position += size;
          return type == INT32 && size == 4 ? (long) (int) value : value;
        }
      case MAP:
        {
          boolean record = atRecord;
          atRecord = false;
          Map<String, Object> map = new HashMap<>();
          for (int i = 0; i < size; i++) {
            String key = key();
            if (record) {
              fieldNames.add(key);
            }
            Fields child = wanted.child(key);
            if (child == null) {
              skip();
            } else {
              map.put(key, decode(child));
            }
          }
          return map;
        }
      default:
        skipValues(skipPayload(type, size));
        return null;
    }
  }

  /**
   * The value a pointer points to. Writers store each key, and each string or map that several
   * records share, once and point to it: such a value is decoded once and then taken from a table
   * (a map only if it was decoded for the same fields). Callers must not change it.
   */
  private Object pointed(int pointer, Fields wanted) {
    int known = pointedByOffset.get(pointer);
    if (known >= 0 && (pointedFields.get(known) == null || pointedFields.get(known) == wanted)) {
      return pointedValues.get(known);
    }
    int after = position;
    position = dataStart + pointer;
    Object value = decode(wanted);
    position = after;
    if (known < 0 && (value instanceof String || value instanceof Map)) {
      pointedValues.add(value);
      pointedFields.add(value instanceof Map ? wanted : null);
      pointedByOffset.put(pointer, pointedValues.size() - 1);
    }
    return value;
  }

  /** Decodes the map key at {@link #position} and moves past it. */
  private String key() {
    if (decode(Fields.ALL) instanceof String key) {
      return key;
    }
    throw new IllegalStateException("map key is not a string");
  }

  /** Moves {@link #position} past the value there without decoding it. */
  private void skip() {
    skipValues(1);
  }

  /**
   * Moves {@link #position} past {@code count} values without decoding them. A loop, not a
   * recursion: a damaged (or hostile) file can nest arrays or maps a hundred thousand deep in a
   * field nobody reads, which overflowed the stack. Every value takes at least one byte, so the
   * loop ends within the file, or at its end with an index out of bounds.
   */
  private void skipValues(long count) {
    long pending = count;
    while (pending > 0) {
      pending--;
      int ctrl = buffer[position++] & 0xFF;
      int type = ctrl >>> 5;
      if (type == POINTER) {
        position += ((ctrl >>> 3) & 3) + 1;
        continue;
      }
      if (type == 0) {
        type = 7 + (buffer[position++] & 0xFF);
      }
      pending += skipPayload(type, size(ctrl));
    }
  }

  /** Moves past the payload of a value of {@code type}; returns how many values it contains. */
  private long skipPayload(int type, int size) {
    switch (type) {
      case MAP:
        return 2L * size;
      case ARRAY:
        return size;
      case BOOLEAN:
        return 0;
      case STRING, DOUBLE, BYTES, UINT16, UINT32, INT32, UINT64, UINT128, FLOAT:
        position += size;
        return 0;
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
