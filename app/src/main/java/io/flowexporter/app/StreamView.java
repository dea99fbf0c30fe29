package io.flowexporter.app;

import io.flowexporter.app.kafka.CommitAwareClientSupplier;
import io.flowexporter.app.kafka.ConsumerLag;
import io.flowexporter.app.kafka.GroupContact;
import io.flowexporter.app.kafka.KafkaConnections;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.TotalsSnapshot;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * What this instance shows of its stream, to scrapes, {@code /readyz}, its own meters and the
 * status log: whether it is ready, the totals a scrape shows, how many owner partitions and series
 * it exposes, how far behind it is. Before the stream's clients exist ({@link #attach}): not ready,
 * nothing exposed, the lag unknown. Thread-safe.
 */
final class StreamView {

  private final CommittedTotals committed;
  private final String inputTopic;
  private final BooleanSupplier closing;
  private final Object snapshotLock = new Object();
  private final AtomicLong stateChanges = new AtomicLong();

  private volatile State state = State.CREATED;

  /** The sub-topology of the owner tasks, whose stores /metrics shows; -1 until attached. */
  private volatile int ownerSubtopology = -1;

  /** Tells when this instance counts as out of its group; set before {@link #streams}. */
  private volatile GroupContact groupContact;

  private volatile KafkaStreams streams;

  /**
   * @param closing whether the exporter is shutting down: scrapes then forget the partitions no
   *     store holds any more
   */
  StreamView(CommittedTotals committed, String inputTopic, BooleanSupplier closing) {
    this.committed = committed;
    this.inputTopic = inputTopic;
    this.closing = closing;
  }

  /** The stream's clients, just before they start; the state listener calls {@link #changed}. */
  void attach(KafkaStreams s, int ownerSubtopology, GroupContact contact) {
    this.ownerSubtopology = ownerSubtopology;
    this.groupContact = contact;
    this.streams = s; // last: readers that see the stream see the rest
  }

  /** Whether the stream's clients exist. */
  boolean attached() {
    return streams != null;
  }

  /** From the stream's state listener. */
  void changed(State now) {
    // Counted before the state is set: trafficSnapshot() notices a change during its check.
    stateChanges.incrementAndGet();
    state = now;
  }

  State state() {
    return state;
  }

  /**
   * Ready: the stream is RUNNING and every main consumer is connected to Kafka. Kafka Streams stays
   * RUNNING while all brokers are unreachable (the consumers just fetch nothing), so the state
   * alone would keep an instance "ready" through a whole outage while its totals stand still.
   */
  boolean ready() {
    KafkaStreams s = streams;
    return s != null && state == State.RUNNING && KafkaConnections.mainConsumersConnected(s);
  }

  /** Why the stream is not ready, for {@code /readyz}: what it waits for, or its state. */
  String notReadyReason() {
    if (streams == null) {
      return "waiting for Kafka and the topic";
    }
    State now = state;
    return now == State.RUNNING ? "RUNNING, but no connection to Kafka" : now.name();
  }

  /**
   * The totals a scrape shows: those of every owner partition this instance holds.
   *
   * <p>A partition's store is restored and activated anew after a crash, when its task is revived,
   * or when a rebalance recycles it, and meanwhile the partition's series would vanish from scrapes
   * and come back. So, while the partition stays here, its last published totals are shown ({@link
   * CommittedTotals#scrape}); they are dropped when the partition leaves (revoked or lost, reported
   * by {@link CommitAwareClientSupplier} once Kafka Streams closed its task: before another
   * instance can expose it), when the stream is RUNNING with every assigned partition's store
   * active, and when the exporter shuts down.
   */
  TotalsSnapshot trafficSnapshot() {
    // Its own lock: close() holds ShutdownOrder's while Kafka Streams shuts down, and scrapes
    // must not wait for that.
    synchronized (snapshotLock) {
      KafkaStreams s = streams;
      long changes = stateChanges.get();
      if (closing.getAsBoolean()) {
        committed.forgetUnregistered();
      } else if (s != null && state == State.RUNNING) {
        int assigned = 0;
        for (ThreadMetadata t : s.metadataForLocalThreads()) {
          for (TaskMetadata task : t.activeTasks()) {
            if (task.taskId().subtopology() == ownerSubtopology) {
              assigned++;
            }
          }
        }
        if (committed.activeStores() == assigned
            && state == State.RUNNING
            && stateChanges.get() == changes) {
          committed.forgetUnregistered();
        }
      }
      if (s != null && outOfGroup(s)) {
        return TotalsSnapshot.EMPTY;
      }
      return committed.scrape();
    }
  }

  /**
   * Owner partitions whose series scrapes show (those being restored here included): none while out
   * of the group.
   */
  int exposedPartitions() {
    GroupContact contact = groupContact;
    return contact != null && contact.isOut() ? 0 : committed.partitionsShown();
  }

  /** Series of a family that scrapes show: none while out of the group. */
  int exposedSeries(int family) {
    GroupContact contact = groupContact;
    return contact != null && contact.isOut() ? 0 : committed.seriesOf(family);
  }

  /** Records behind on this instance's input partitions; NaN before the stream exists. */
  double consumerLag() {
    KafkaStreams s = streams;
    return s == null ? Double.NaN : ConsumerLag.of(s, inputTopic);
  }

  /**
   * Reads the main consumers' heartbeat answers ({@link GroupContact#observe}): sampled twice a
   * second, as well as at each scrape, since they are counted, not timed.
   */
  void sampleGroupContact() {
    KafkaStreams s = streams;
    GroupContact contact = groupContact;
    if (s != null && contact != null && !closing.getAsBoolean()) {
      observeGroupContact(s, contact);
    }
  }

  /**
   * Whether this instance has been cut off from Kafka for so long that the group may have given its
   * partitions to other instances ({@link GroupContact}): their series are then not exposed here,
   * so that no series is exposed twice. Back in the group, the partitions it still holds show
   * again; those it lost are forgotten when Kafka Streams closes their tasks.
   */
  private boolean outOfGroup(KafkaStreams s) {
    GroupContact contact = groupContact;
    return contact != null && observeGroupContact(s, contact);
  }

  /**
   * {@link GroupContact#observe} of the live stream threads' main consumers; while the stream is
   * neither RUNNING nor REBALANCING (it has no thread metadata then), the last answer.
   */
  private static boolean observeGroupContact(KafkaStreams s, GroupContact contact) {
    Set<String> consumers = new HashSet<>();
    try {
      if (!s.state().isRunningOrRebalancing()) {
        return contact.isOut();
      }
      for (ThreadMetadata t : s.metadataForLocalThreads()) {
        consumers.add(t.consumerClientId());
      }
    } catch (IllegalStateException e) { // the state changed meanwhile
      return contact.isOut();
    }
    return contact.observe(s.metrics(), consumers, System.nanoTime());
  }
}
