package io.flowexporter.topology.series;

import io.flowexporter.topology.enrich.Direction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes series keys into one reusable buffer and hands each finished key to a {@link Sink}: the
 * counting path builds a key per record and family without allocating.
 *
 * <p>Not thread-safe: one per stream task.
 */
public final class SeriesKeyWriter {

  /** Receives each finished key; valid only during the call. */
  @FunctionalInterface
  public interface Sink {
    void accept(byte[] key, int length, int hash);
  }

  /** Text values encoded once; router names are few, so this stays small. */
  private static final int TEXT_CACHE_LIMIT = 4096;

  private final Sink sink;
  private final Map<String, byte[]> encoded = new HashMap<>();
  private byte[] buf = new byte[256];
  private int length;
  private byte family;
  private byte direction;

  public SeriesKeyWriter(Sink sink) {
    this.sink = sink;
  }

  /** Sets the family and direction of the keys that follow; the counting processor's job. */
  public void use(SeriesFamily family, Direction direction) {
    this.family = (byte) family.id();
    this.direction = (byte) direction.ordinal();
  }

  /** Starts a key of the current family and direction. */
  public SeriesKeyWriter begin() {
    buf[0] = family;
    buf[1] = direction;
    length = 2;
    return this;
  }

  /** An AS number label (unsigned 32-bit). */
  public SeriesKeyWriter as(long asNumber) {
    return number(asNumber);
  }

  /** A number label (unsigned 32-bit). */
  public SeriesKeyWriter number(long value) {
    if (value < 0 || value > 0xffff_ffffL) {
      throw new IllegalArgumentException("label number outside 0..4294967295: " + value);
    }
    room(4);
    buf[length] = (byte) (value >>> 24);
    buf[length + 1] = (byte) (value >>> 16);
    buf[length + 2] = (byte) (value >>> 8);
    buf[length + 3] = (byte) value;
    length += 4;
    return this;
  }

  /** A country label: two ASCII letters, as {@link LabelKind#COUNTRY} holds them. */
  public SeriesKeyWriter country(String code) {
    if (code.length() != 2 || code.charAt(0) > 0x7f || code.charAt(1) > 0x7f) {
      throw new IllegalArgumentException("not a country code: " + code);
    }
    room(2);
    buf[length] = (byte) code.charAt(0);
    buf[length + 1] = (byte) code.charAt(1);
    length += 2;
    return this;
  }

  /** A text label, at most 65535 bytes of UTF-8. */
  public SeriesKeyWriter text(String value) {
    byte[] utf8 = encoded.get(value);
    if (utf8 == null) {
      utf8 = value.getBytes(StandardCharsets.UTF_8);
      if (utf8.length > 0xffff) {
        throw new IllegalArgumentException("label text over 65535 bytes");
      }
      if (encoded.size() >= TEXT_CACHE_LIMIT) {
        encoded.clear();
      }
      encoded.put(value, utf8);
    }
    room(2 + utf8.length);
    buf[length] = (byte) (utf8.length >>> 8);
    buf[length + 1] = (byte) utf8.length;
    System.arraycopy(utf8, 0, buf, length + 2, utf8.length);
    length += 2 + utf8.length;
    return this;
  }

  /** Hands the finished key to the sink. */
  public void emit() {
    sink.accept(buf, length, SeriesKey.hashOf(buf, 0, length));
  }

  private void room(int more) {
    if (length + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
    }
  }
}
