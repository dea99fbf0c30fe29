package io.flowexporter.topology.flow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes of a line read as one little-endian word: the line readers compare field names and
 * scan strings a word at a time.
 */
final class Words {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Words() {}

  /** The eight bytes at {@code i}, which must lie within {@code b}. */
  static long at(byte[] b, int i) {
    return (long) LONGS.get(b, i);
  }

  /** The first eight bytes of a name (all of a shorter name, zero-padded) as a word. */
  static long head(byte[] b, int from, int length) {
    if (length >= 8) {
      return at(b, from);
    }
    long word = 0;
    for (int i = length - 1; i >= 0; i--) {
      word = (word << 8) | (b[from + i] & 0xFF);
    }
    return word;
  }

  /** The last eight bytes of a name longer than eight (overlapping the head), else 0. */
  static long tail(byte[] b, int from, int length) {
    return length > 8 ? at(b, from + length - 8) : 0;
  }
}
