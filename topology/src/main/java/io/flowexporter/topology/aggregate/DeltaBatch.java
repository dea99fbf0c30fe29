package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.FlowTopology;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The format of the repartition topic between the two stages ({@code
 * <application-id>-series-deltas-repartition}): what one input partition counted since its last
 * commit, for the series of one owner slot.
 *
 * <ul>
 *   <li>key: the owner slot, 2 bytes big-endian, 0..{@value #SLOTS}−1: the series key's hash modulo
 *       {@value #SLOTS}; slot {@code s} goes to partition {@code s % partitions}, so each series
 *       always reaches the same owner;
 *   <li>value: a format byte ({@value #VERSION}), then per series: the key's length (2 bytes), the
 *       {@linkplain io.flowexporter.topology.series.SeriesKey key}, and the bytes, packets and
 *       flows counted (8 bytes each, big-endian);
 *   <li>header {@value #NEWEST_INPUT_HEADER} (optional, 8 bytes big-endian): the time of the newest
 *       input record counted in the batch, in epoch milliseconds;
 *   <li>header {@value #INPUT_PARTITION_HEADER} (optional, 4 bytes big-endian): the input partition
 *       whose records were counted.
 * </ul>
 *
 * <p>One message per changed slot and commit, whatever the number of records: at most {@value
 * #SLOTS} messages per input partition and commit, and now and then a time mark per owner
 * partition.
 *
 * <p>A batch of no entries (the format byte alone) is a <em>time mark</em>: each input partition
 * that counted anything sends one to every owner partition ({@link DeltaPartitioner} multicasts it)
 * at its first commit and then at most once a {@link SeriesLimits#timeMarkInterval()} (half an
 * expiry check), so that every owner knows how far each input partition has read, also one that
 * none of its series came through (see {@link SeriesOwnerProcessor}'s expiry clock). Versions
 * before it read it as a batch that changes nothing.
 */
public final class DeltaBatch {

  public static final int SLOTS = 256;
  static final byte VERSION = 2;

  static final String NEWEST_INPUT_HEADER = "newest-input-ms";
  static final String INPUT_PARTITION_HEADER = "input-partition";

  /** The repartition topic, after {@code <application-id>-}. */
  private static final String TOPIC_SUFFIX = FlowTopology.DELTAS + "-repartition";

  private DeltaBatch() {}

  /** The headers of a batch whose newest input record is from {@code epochMs}. */
  static Headers newestInputHeader(long epochMs) {
    return new RecordHeaders()
        .add(NEWEST_INPUT_HEADER, ByteBuffer.allocate(8).putLong(epochMs).array());
  }

  /**
   * The headers of a batch counted from input partition {@code partition}, whose newest input
   * record is from {@code epochMs}.
   */
  static Headers inputHeaders(int partition, long epochMs) {
    return newestInputHeader(epochMs)
        .add(INPUT_PARTITION_HEADER, ByteBuffer.allocate(4).putInt(partition).array());
  }

  /** The input partition a batch was counted from; -1 when it does not say (older versions). */
  static int inputPartition(Headers headers) {
    Header h = headers.lastHeader(INPUT_PARTITION_HEADER);
    return h == null || h.value() == null || h.value().length != 4
        ? -1
        : ByteBuffer.wrap(h.value()).getInt();
  }

  /**
   * The time of a batch's newest input record, from its header; {@code otherwise} (the batch's own
   * timestamp) when it has none, as batches written before the header existed.
   */
  static long newestInput(Headers headers, long otherwise) {
    Header h = headers.lastHeader(NEWEST_INPUT_HEADER);
    return h == null || h.value() == null || h.value().length != 8
        ? otherwise
        : ByteBuffer.wrap(h.value()).getLong();
  }

  /** A time mark: a batch of no entries, whose header carries the input's time. */
  static byte[] timeMark() {
    return new byte[] {VERSION};
  }

  /** Whether {@code value} is a {@linkplain #timeMark() time mark}. */
  public static boolean isTimeMark(byte[] value) {
    return value != null && value.length == 1 && value[0] == VERSION;
  }

  /** Receives the entries of a decoded batch; the key is {@code value[offset, offset + length)}. */
  interface EntryConsumer {
    void accept(byte[] value, int offset, int length, long bytes, long packets, long flows);
  }

  static int slotOf(int hash) {
    return hash & (SLOTS - 1);
  }

  static byte[] slotKey(int slot) {
    return new byte[] {(byte) (slot >>> 8), (byte) slot};
  }

  /** The owner partition of a series among {@code partitions}. */
  public static int ownerPartition(SeriesKey key, int partitions) {
    return slotOf(key.hash()) % partitions;
  }

  /** How many of the {@value #SLOTS} owner slots partition {@code partition} holds. */
  public static int slotsOf(int partition, int partitions) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("partition " + partition + " of " + partitions);
    }
    return partition >= SLOTS ? 0 : (SLOTS - 1 - partition) / partitions + 1;
  }

  /** The partition of a batch's key among {@code partitions}. */
  public static int partitionOf(byte[] key, int partitions) {
    return (((key[0] & 0xff) << 8) | (key[1] & 0xff)) % partitions;
  }

  static int entryBytes(int keyLength) {
    return 2 + keyLength + 24;
  }

  /**
   * Decodes one batch.
   *
   * @throws UnreadableFormatException when the message is in a newer version's format, or in none
   *     that flow-exporter writes (another program's, or damaged: truncated, a bad key length)
   */
  static void decode(byte[] value, EntryConsumer to) {
    if (value == null || value.length < 1 || value[0] != VERSION) {
      throw new UnreadableFormatException(
          "a message in format "
              + (value == null || value.length == 0 ? "(empty)" : value[0])
              + " instead of "
              + VERSION,
          TOPIC_SUFFIX,
          value != null && value.length > 0 && value[0] > VERSION);
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    in.position(1);
    try {
      while (in.hasRemaining()) {
        int length = in.getShort() & 0xffff;
        int offset = in.position();
        if (length < 2 || length > in.remaining() - 24) {
          throw new UnreadableFormatException(
              "a message holding a series key of " + length + " bytes", TOPIC_SUFFIX, false);
        }
        in.position(offset + length);
        to.accept(value, offset, length, in.getLong(), in.getLong(), in.getLong());
      }
    } catch (BufferUnderflowException e) {
      throw new UnreadableFormatException("a truncated message", TOPIC_SUFFIX, false);
    }
  }

  /** Writes one batch of a size known in advance. */
  static final class Writer {
    private final ByteBuffer out;

    Writer(int size) {
      out = ByteBuffer.allocate(size);
      out.put(VERSION);
    }

    void entry(byte[] key, int length, long bytes, long packets, long flows) {
      out.putShort((short) length)
          .put(key, 0, length)
          .putLong(bytes)
          .putLong(packets)
          .putLong(flows);
    }

    byte[] bytes() {
      if (out.hasRemaining()) {
        throw new IllegalStateException(
            "batch sized for " + out.capacity() + " bytes, " + out.position() + " written");
      }
      return out.array();
    }
  }
}
