package io.flowexporter.topology.series;

import io.flowexporter.topology.enrich.Direction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One series: a family, a direction and the family's label values, in the byte form that is stored,
 * sent between the aggregate's stages and rendered at scrape time.
 *
 * <p>Format (versions 2 and 3 of the series stores, see {@code SeriesBuckets}): byte 0 the family's
 * {@linkplain SeriesFamily#id() id}; byte 1 the direction ({@code 0} receive, {@code 1} transmit),
 * with bit 7 set for the family's overflow series, which has no labels but the owner partition that
 * keeps it (4 bytes, big-endian: each owner partition has its own overflow series, so that no two
 * instances or partitions expose one label set); then each label as its {@link LabelKind} says. An
 * overflow key of 2 bytes, without the partition, is the form written before; a store reading it
 * rewrites it with its partition. Changing the format otherwise is a new format version.
 *
 * <p>Equality and hash are those of the bytes; the hash is FNV-1a, stable across JVMs, since it
 * also chooses the owner of the series.
 */
public final class SeriesKey {

  static final int OVERFLOW = 0x80;

  /** {@code Direction.values()} clones its array on every call; scrapes ask once per sample. */
  private static final Direction[] DIRECTIONS = Direction.values();

  private final byte[] bytes;
  private final int hash;

  private SeriesKey(byte[] bytes, int hash) {
    this.bytes = bytes;
    this.hash = hash;
  }

  /** The key held in {@code bytes} (not copied: the caller hands it over). */
  public static SeriesKey wrap(byte[] bytes) {
    if (bytes.length < 2
        || bytes[0] < 0
        || (bytes[1] & 0x7f) > 1
        || ((bytes[1] & OVERFLOW) != 0 && bytes.length != 2 && bytes.length != 6)) {
      throw new IllegalArgumentException("not a series key: " + bytes.length + " bytes");
    }
    return new SeriesKey(bytes, hashOf(bytes, 0, bytes.length));
  }

  /** The overflow series of a family and direction kept by an owner partition. */
  public static SeriesKey overflow(SeriesFamily family, Direction direction, int partition) {
    return wrapOverflow(family.id(), direction, partition);
  }

  /** The overflow series of a family id and direction kept by an owner partition. */
  public static SeriesKey wrapOverflow(int familyId, Direction direction, int partition) {
    if (partition < 0) {
      throw new IllegalArgumentException("partition " + partition);
    }
    return wrap(
        new byte[] {
          (byte) familyId,
          (byte) (direction.ordinal() | OVERFLOW),
          (byte) (partition >>> 24),
          (byte) (partition >>> 16),
          (byte) (partition >>> 8),
          (byte) partition
        });
  }

  /**
   * The owner partition of an overflow series; -1 for the form written before it carried one, and
   * for any other series.
   */
  public int overflowPartition() {
    return isOverflow() && bytes.length == 6 ? (int) uint32(bytes, 2) : -1;
  }

  /** FNV-1a over a range, folded: stable across JVMs and versions, unlike hashCode(). */
  public static int hashOf(byte[] b, int offset, int length) {
    int h = 0x811c9dc5;
    for (int i = offset; i < offset + length; i++) {
      h = (h ^ (b[i] & 0xff)) * 0x01000193;
    }
    return h ^ (h >>> 16);
  }

  /** The family id held in a key's first byte. */
  public static int familyOf(byte[] key, int offset) {
    return key[offset];
  }

  public int familyId() {
    return bytes[0];
  }

  public Direction direction() {
    return DIRECTIONS[bytes[1] & 1];
  }

  /** Whether this is the family's overflow series (every label value {@code other}). */
  public boolean isOverflow() {
    return (bytes[1] & OVERFLOW) != 0;
  }

  /** The key's bytes; not a copy, do not change them. */
  public byte[] bytes() {
    return bytes;
  }

  /** {@link #hashOf} of the bytes. */
  public int hash() {
    return hash;
  }

  /**
   * The label values, decoded by the family's declaration: {@code Long} for numbers and AS numbers,
   * {@code String} for text and country codes; empty for the overflow series. For tests and
   * diagnostics; scrapes read the bytes.
   *
   * @throws IllegalArgumentException when the bytes do not hold the family's labels
   */
  public List<Object> values(SeriesFamily family) {
    List<Object> values = new ArrayList<>();
    if (isOverflow()) {
      return values;
    }
    int pos = 2;
    try {
      for (Label label : family.labels()) {
        if (label.kind() == LabelKind.TEXT) {
          int length = ((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff);
          values.add(new String(bytes, pos + 2, length, StandardCharsets.UTF_8));
          pos += 2 + length;
        } else if (label.kind() == LabelKind.COUNTRY) {
          if (pos + 2 > bytes.length) {
            throw new ArrayIndexOutOfBoundsException(pos + 2);
          }
          values.add(new String(bytes, pos, 2, StandardCharsets.US_ASCII));
          pos += 2;
        } else {
          values.add(uint32(bytes, pos));
          pos += 4;
        }
      }
    } catch (ArrayIndexOutOfBoundsException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("series key too short for family " + family.name());
    }
    if (pos != bytes.length) {
      throw new IllegalArgumentException(
          "series key longer than family " + family.name() + " declares");
    }
    return values;
  }

  /** An unsigned 32-bit big-endian number. */
  public static long uint32(byte[] b, int pos) {
    return ((long) (b[pos] & 0xff) << 24)
        | ((b[pos + 1] & 0xff) << 16)
        | ((b[pos + 2] & 0xff) << 8)
        | (b[pos + 3] & 0xff);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SeriesKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "SeriesKey" + Arrays.toString(bytes);
  }
}
