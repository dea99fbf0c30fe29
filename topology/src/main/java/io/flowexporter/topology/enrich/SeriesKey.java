package io.flowexporter.topology.enrich;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One exported series: the labels of {@code flow_<direction>_bytes_total} without the AS names,
 * which are looked up when metrics are scraped so that a renamed AS needs no reprocessing.
 *
 * @param direction receive or transmit
 * @param hostname the router (pmacct label or exporter address)
 * @param sourceAs source AS number, unsigned 32-bit
 * @param destinationAs destination AS number, unsigned 32-bit
 */
public record SeriesKey(Direction direction, String hostname, long sourceAs, long destinationAs) {

  public SeriesKey {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(hostname, "hostname");
  }

  /**
   * The series' key in the state store and changelog (inside a bucket, see {@code
   * SeriesBuckets}): one direction byte ({@code 0} receive, {@code 1} transmit), source and
   * destination AS as 4-byte unsigned big-endian integers, then the hostname in UTF-8. Changing this format orphans existing changelog topics.
   */
  public byte[] toBytes() {
    byte[] host = hostname.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(9 + host.length)
        .put((byte) direction.ordinal())
        .putInt((int) sourceAs)
        .putInt((int) destinationAs)
        .put(host)
        .array();
  }

  /** The inverse of {@link #toBytes()}. */
  public static SeriesKey fromBytes(byte[] bytes) {
    if (bytes.length < 9 || bytes[0] < 0 || bytes[0] > 1) {
      throw new IllegalArgumentException("not a series key: " + bytes.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    Direction direction = Direction.values()[b.get()];
    long src = Integer.toUnsignedLong(b.getInt());
    long dst = Integer.toUnsignedLong(b.getInt());
    String host = new String(bytes, 9, bytes.length - 9, StandardCharsets.UTF_8);
    return new SeriesKey(direction, host, src, dst);
  }
}
