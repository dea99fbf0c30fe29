package io.flowexporter.topology.aggregate;

import java.nio.ByteBuffer;

/**
 * Bytes and packets of one series. Immutable, so a scrape reads both numbers of one commit.
 *
 * @param bytes total bytes, sampling applied
 * @param packets total packets, sampling applied
 */
public record Totals(long bytes, long packets) {

  public static final Totals ZERO = new Totals(0, 0);

  /** These totals plus a delta; overflow throws rather than wrapping. */
  public Totals plus(long deltaBytes, long deltaPackets) {
    return new Totals(Math.addExact(bytes, deltaBytes), Math.addExact(packets, deltaPackets));
  }

  /** The state-store value: bytes then packets, 8-byte big-endian each. */
  public byte[] toBytes() {
    return ByteBuffer.allocate(16).putLong(bytes).putLong(packets).array();
  }

  /** The inverse of {@link #toBytes()}. */
  public static Totals fromBytes(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    return new Totals(b.getLong(), b.getLong());
  }
}
