package io.flowexporter.topology.aggregate;

import io.flowexporter.topology.series.SeriesKeyWriter;
import java.util.Arrays;

/**
 * What one input partition counted since its last commit, per series: the first stage's
 * pre-aggregation. A record costs one table probe per family; a commit turns the sums into at most
 * {@value DeltaBatch#SLOTS} {@link DeltaBatch} messages and starts over.
 *
 * <p>Sums saturate at {@link Long#MAX_VALUE}, as the owner's totals do. Stream thread only.
 */
final class PendingDeltas implements SeriesKeyWriter.Sink {

  /** Receives each slot's encoded batch. */
  interface BatchConsumer {
    void accept(int slot, byte[] value);
  }

  private final ByteKeyIndex index = new ByteKeyIndex(1024);
  private byte[][] keys = new byte[256][];
  private int[] hashes = new int[256];
  private long[] amounts = new long[3 * 256];
  private int count;
  private long bytes;
  private long packets;
  private long flows;

  /** The amounts that the following {@link #accept} calls add, one record's. */
  void amounts(long bytes, long packets, long flows) {
    this.bytes = bytes;
    this.packets = packets;
    this.flows = flows;
  }

  @Override
  public void accept(byte[] key, int length, int hash) {
    int i = index.get(key, 0, length, hash);
    if (i < 0) {
      i = count++;
      if (i == keys.length) {
        keys = Arrays.copyOf(keys, i * 2);
        hashes = Arrays.copyOf(hashes, i * 2);
        amounts = Arrays.copyOf(amounts, i * 6);
      }
      keys[i] = Arrays.copyOf(key, length);
      hashes[i] = hash;
      index.put(keys[i], hash, i);
    }
    int a = 3 * i;
    amounts[a] = Sums.saturated(amounts[a], bytes);
    amounts[a + 1] = Sums.saturated(amounts[a + 1], packets);
    amounts[a + 2] = Sums.saturated(amounts[a + 2], flows);
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** Distinct series pending. */
  int size() {
    return count;
  }

  /** Hands out one batch per slot with pending series, then forgets them. */
  void drain(BatchConsumer to) {
    int[] sizes = new int[DeltaBatch.SLOTS];
    int[] slots = new int[count];
    for (int i = 0; i < count; i++) {
      slots[i] = DeltaBatch.slotOf(hashes[i]);
      sizes[slots[i]] += DeltaBatch.entryBytes(keys[i].length);
    }
    DeltaBatch.Writer[] writers = new DeltaBatch.Writer[DeltaBatch.SLOTS];
    for (int i = 0; i < count; i++) {
      DeltaBatch.Writer w = writers[slots[i]];
      if (w == null) {
        w = writers[slots[i]] = new DeltaBatch.Writer(1 + sizes[slots[i]]);
      }
      w.entry(keys[i], keys[i].length, amounts[3 * i], amounts[3 * i + 1], amounts[3 * i + 2]);
    }
    clear();
    for (int s = 0; s < DeltaBatch.SLOTS; s++) {
      if (writers[s] != null) {
        to.accept(s, writers[s].bytes());
      }
    }
  }

  /** Forgets what is pending: the task's uncommitted work is being dropped. */
  void clear() {
    Arrays.fill(keys, 0, count, null);
    Arrays.fill(amounts, 0, 3 * count, 0);
    count = 0;
    index.clear();
  }
}
