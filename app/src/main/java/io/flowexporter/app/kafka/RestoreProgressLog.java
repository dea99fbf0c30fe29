package io.flowexporter.app.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the rebuilding of totals from the changelog: when it starts (and how much there is), its
 * progress every few seconds for large stores, and how long it took; and tells whether a store is
 * being rebuilt now ({@link #restoring()}).
 */
public final class RestoreProgressLog implements StateRestoreListener {

  private static final Logger LOG = LoggerFactory.getLogger(RestoreProgressLog.class);
  private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Map<TopicPartition, Progress> progress = new ConcurrentHashMap<>();

  private static final class Progress {
    final long startNanos = System.nanoTime();
    final long total;
    long restored;
    long lastLogNanos = startNanos;

    Progress(long total) {
      this.total = total;
    }
  }

  @Override
  public void onRestoreStart(
      TopicPartition partition, String store, long startOffset, long endOffset) {
    long total = Math.max(0, endOffset - startOffset);
    progress.put(partition, new Progress(total));
    if (total == 0) {
      // Kafka Streams also "restores" an empty changelog (a new application): nothing to say.
      LOG.debug("Restoring {} for {}: changelog empty", store, partition);
      return;
    }
    LOG.info(
        "Restoring {} for {} from its changelog: {} records to read (state directory was empty or out of date)",
        store,
        partition,
        total);
  }

  @Override
  public void onBatchRestored(
      TopicPartition partition, String store, long batchEndOffset, long numRestored) {
    Progress p = progress.get(partition);
    if (p == null) {
      return;
    }
    p.restored += numRestored;
    long now = System.nanoTime();
    if (now - p.lastLogNanos >= PROGRESS_NANOS) {
      p.lastLogNanos = now;
      LOG.info("Restoring {} for {}: {} of {} records", store, partition, p.restored, p.total);
    }
  }

  @Override
  public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
    // The task left this instance (or was closed) before its store was rebuilt.
    progress.remove(partition);
  }

  /** Whether a store of an active task is being rebuilt from its changelog. */
  public boolean restoring() {
    return !progress.isEmpty();
  }

  /**
   * Kafka Streams is RUNNING, so no store is being rebuilt: forgets restores that ended without a
   * call (Kafka Streams calls neither end nor suspension when a task fails while restoring, or when
   * a stream thread is replaced), which would otherwise count as running for good. A restore that
   * another thread starts at this very moment is forgotten too: its polls are then not shortened,
   * and its end is logged without its duration.
   */
  public void running() {
    progress.clear();
  }

  @Override
  public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
    Progress p = progress.remove(partition);
    if (p == null) { // forgotten by running(): its start time with it
      if (totalRestored > 0) {
        LOG.info("Restored {} for {}: {} records", store, partition, totalRestored);
      }
      return;
    }
    if (totalRestored == 0 && p.total == 0) {
      return;
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p.startNanos);
    LOG.info("Restored {} for {}: {} records in {} ms", store, partition, totalRestored, ms);
  }
}
