package io.flowexporter.topology.flow;

/**
 * Receives what {@link FlowParser} finds in one Kafka message, in order. Called on the parsing
 * thread; implementations need not be thread-safe.
 */
public interface ParseListener {

  /** A traffic record. */
  void record(FlowRecord record);

  /**
   * A traffic record and where it is: bytes {@code [start, end)} of the message, its {@code
   * line}-th line (from 0, blank lines counted). The parser calls this one; by default it is {@link
   * #record(FlowRecord)}.
   */
  default void record(FlowRecord record, int start, int end, int line) {
    record(record);
  }

  /**
   * A {@code purge_init} or {@code purge_close} marker, or an event record without counters (a
   * NetFlow NAT event, an options record): not traffic.
   */
  void marker();

  /**
   * A line that could not be used.
   *
   * @param sample the start of the offending text, for the log; at most a few hundred characters
   */
  void invalid(InvalidReason reason, String sample);
}
