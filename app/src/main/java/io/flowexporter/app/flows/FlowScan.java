package io.flowexporter.app.flows;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.document.EcsDocuments;
import io.flowexporter.topology.document.EventIds;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.flow.InvalidReason;
import io.flowexporter.topology.flow.ParseListener;
import io.flowexporter.topology.series.CountedFlow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * One running scan: polls its consumer, parses each message with the topology's parser, enriches
 * each record with its classifier (resolved AS numbers, direction, country), keeps those the filter
 * selects, and writes their ECS documents (sampling applied) as they come. Ends at the first of:
 * the query's limit, its timeout, the byte cap, the end of a search's range on every partition, or
 * the client going away (noticed within about half a second: while nothing is written, a keep-alive
 * byte is sent every {@value #KEEP_ALIVE_MS} ms, and the second write after the client closed its
 * connection fails). Closes its consumer in every case.
 *
 * <p>The timeout counts from the moment {@link FlowScanner#open} began to position the consumer:
 * the time Kafka took for that is part of it.
 *
 * <p>A search's range is on the Kafka record time (the producer's time, as {@code offsetsForTimes}
 * sees it): on each partition it starts at the first record at or after {@code from}, keeps the
 * records in [from, to), and ends at the first record {@value #LATE_MS} ms or more after {@code
 * to}, or at the end offset of the moment the search began. Record times are not ordered within a
 * partition when several collectors write to it, their clocks apart: a record stamped just after
 * {@code to} may come before others stamped just before it. Single-threaded: run on the request's
 * thread.
 */
public final class FlowScan implements AutoCloseable {

  // A closed connection fails the second write after it (the first may still be accepted, and
  // answered by a reset): two keep-alives, half a second.
  static final long KEEP_ALIVE_MS = 250;
  private static final long POLL_MS = 200;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

  /** Room kept for the end line, which no cap may cut off: it is far shorter. */
  private static final int END_LINE_ROOM = 200;

  /** The longest keep-alive, SSE's comment line. */
  private static final int KEEP_ALIVE_BYTES = 2;

  /** How far past {@code to} a partition is read for records its producers stamped out of order. */
  static final long LATE_MS = 5_000;

  private final Consumer<byte[], byte[]> consumer;
  private final FlowQuery query;

  /** A search's partitions still open, with the offset they end at. */
  private final Map<TopicPartition, Long> ends;

  private final FlowClassifier classifier;
  private final EcsDocuments ecs;
  private final long maxBytes;
  private final FlowParser parser = new FlowParser();
  private final CountedFlow flow;
  private final Lines lines = new Lines();
  private FlowWriter out;
  private String reason;
  private final long started;
  private final long deadline;
  private long flows;
  private long scanned;

  FlowScan(
      Consumer<byte[], byte[]> consumer,
      FlowQuery query,
      Map<TopicPartition, Long> ends,
      FlowClassifier classifier,
      AsnLookup names,
      long maxBytes,
      long started) {
    this.consumer = consumer;
    this.query = query;
    this.ends = new HashMap<>(ends);
    this.classifier = classifier;
    this.ecs = new EcsDocuments(names, classifier);
    this.maxBytes = maxBytes;
    this.flow = new CountedFlow(classifier);
    this.started = started;
    this.deadline = started + query.timeout().toNanos();
  }

  /** When the scan's timeout ends, as a {@link System#nanoTime()}. */
  long deadline() {
    return deadline;
  }

  /** Runs the scan to its end, writing to {@code writer}, and says how it ended. */
  public ScanEnd run(FlowWriter writer) {
    this.out = writer;
    long lastWrite = System.nanoTime();
    try {
      writer.flush(); // the headers: the client knows the scan is on
      while (reason == null) {
        if (query.kind() == FlowQuery.Kind.SEARCH && ends.isEmpty()) {
          reason = "range";
          break;
        }
        long now = System.nanoTime();
        if (now >= deadline) {
          reason = "timeout";
          break;
        }
        long written = writer.bytes();
        // The poll ends when a keep-alive is due, not only after POLL_MS: a keep-alive every 250
        // ms, not every second poll.
        long keepAliveDue = lastWrite + KEEP_ALIVE_MS * 1_000_000 - now;
        long pollNanos = Math.min(POLL_MS * 1_000_000, Math.min(deadline - now, keepAliveDue));
        ConsumerRecords<byte[], byte[]> records =
            consumer.poll(Duration.ofMillis(Math.max(1, (pollNanos + 999_999) / 1_000_000)));
        for (TopicPartition tp : records.partitions()) {
          take(tp, records.records(tp));
          if (reason != null) {
            break;
          }
        }
        closeFinishedPartitions();
        if (writer.bytes() != written) {
          writer.flush();
          lastWrite = System.nanoTime();
        } else if (System.nanoTime() - lastWrite >= KEEP_ALIVE_MS * 1_000_000) {
          // A tap that nearly filled its cap and then idles: its keep-alives count too.
          if (writer.bytes() + KEEP_ALIVE_BYTES + END_LINE_ROOM > maxBytes) {
            reason = "bytes";
            break;
          }
          writer.keepAlive();
          lastWrite = System.nanoTime();
        }
      }
      ScanEnd end = new ScanEnd(reason, flows, scanned, (System.nanoTime() - started) / 1_000_000);
      writer.end(end);
      return end;
    } catch (IOException | UncheckedIOException e) {
      // The client closed the connection.
      return new ScanEnd("client", flows, scanned, (System.nanoTime() - started) / 1_000_000);
    } catch (org.apache.kafka.common.KafkaException e) {
      // Kafka refused the scan midway (authorization, a deleted topic): say so in the end line.
      ScanEnd end = new ScanEnd("error", flows, scanned, (System.nanoTime() - started) / 1_000_000);
      try {
        writer.end(end);
      } catch (IOException gone) {
        // the client left as well
      }
      throw new ScanFailedException(end, e);
    }
  }

  /** A scan that Kafka ended; the client got an end line with reason {@code error}. */
  static final class ScanFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient ScanEnd end;

    ScanFailedException(ScanEnd end, Throwable cause) {
      super(cause.toString(), cause);
      this.end = end;
    }
  }

  private void take(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
    Long end = ends.get(tp);
    for (ConsumerRecord<byte[], byte[]> m : records) {
      if (query.kind() == FlowQuery.Kind.SEARCH) {
        if (end == null) {
          return; // finished in an earlier batch
        }
        if (m.offset() >= end || m.timestamp() >= query.to().toEpochMilli() + LATE_MS) {
          finish(tp);
          return;
        }
        if (m.timestamp() < query.from().toEpochMilli()
            || m.timestamp() >= query.to().toEpochMilli()) {
          continue;
        }
      }
      lines.message = m;
      parser.parse(m.value(), lines);
      if (reason != null) {
        return;
      }
    }
  }

  /** A search's partitions whose position reached the end offset (transaction markers included). */
  private void closeFinishedPartitions() {
    if (query.kind() != FlowQuery.Kind.SEARCH || reason != null) {
      return;
    }
    for (Map.Entry<TopicPartition, Long> e : Map.copyOf(ends).entrySet()) {
      long position;
      try {
        // Without waiting: a partition whose position is being validated again (its leader
        // moved) would otherwise hold the scan up to default.api.timeout.ms (60 s), past its own
        // timeout and unaware of a client that left. Not known yet is not finished yet.
        position = consumer.position(e.getKey(), Duration.ZERO);
      } catch (org.apache.kafka.common.errors.TimeoutException notKnownYet) {
        continue;
      }
      if (position >= e.getValue()) {
        finish(e.getKey());
      }
    }
  }

  private void finish(TopicPartition tp) {
    ends.remove(tp);
    consumer.pause(List.of(tp));
  }

  /** The parser's listener: one flow record at a time, of {@link #lines}' current message. */
  private final class Lines implements ParseListener {

    ConsumerRecord<byte[], byte[]> message;

    @Override
    public void record(FlowRecord r) {
      throw new IllegalStateException("the parser reports where each record is");
    }

    @Override
    public void record(FlowRecord r, int start, int end, int line) {
      if (reason != null) {
        return;
      }
      scanned++;
      long src = classifier.sourceAs(r);
      long dst = classifier.destinationAs(r);
      Direction direction = classifier.directionOf(src, dst);
      flow.set(r, direction, src, dst);
      if (!query.filter().matches(flow)) {
        return;
      }
      long bytes;
      long packets;
      try {
        bytes = classifier.sampledBytes(r);
        packets = classifier.sampledPackets(r);
      } catch (ArithmeticException e) {
        return; // the counting skips it as out of range too
      }
      String id = EventIds.of(message.topic(), message.partition(), message.offset(), line);
      byte[] doc =
          ecs.document(flow, bytes, packets, message.value(), start, end, id, message.timestamp());
      // A client reading slowly keeps each write going: the timeout is checked before each one,
      // not only between polls, so the scan (its consumer, its slot) ends on time.
      if (System.nanoTime() - deadline >= 0) {
        reason = "timeout";
        return;
      }
      // Room for the document and the end line: the answer never goes past the cap.
      if (out.bytes() + doc.length + END_LINE_ROOM > maxBytes) {
        reason = "bytes";
        return;
      }
      try {
        out.flow(doc);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (++flows >= query.limit()) {
        reason = "limit";
      }
    }

    @Override
    public void marker() {}

    @Override
    public void invalid(InvalidReason why, String sample) {}
  }

  @Override
  public void close() {
    closeBriefly(consumer);
  }

  /**
   * Closes a scan's consumer within a second: a broker that is connected but not answering would
   * otherwise hold the scan's slot and thread for request.timeout.ms (30 s) while the consumer says
   * goodbye to it. A scan has no group and no offsets to commit, so nothing is lost.
   */
  static void closeBriefly(Consumer<?, ?> consumer) {
    consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
  }
}
