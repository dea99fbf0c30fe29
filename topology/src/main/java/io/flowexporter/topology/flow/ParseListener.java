package io.flowexporter.topology.flow;

/**
 * Receives what {@link FlowParser} finds in one Kafka message, in order. Called on the parsing
 * thread; implementations need not be thread-safe.
 */
public interface ParseListener {

  /** A traffic record. */
  void record(FlowRecord record);

  /** A {@code purge_init} or {@code purge_close} marker: pmacct's bookkeeping, not traffic. */
  void marker();

  /**
   * A line that could not be used.
   *
   * @param sample the start of the offending text, for the log; at most a few hundred characters
   */
  void invalid(InvalidReason reason, String sample);
}
