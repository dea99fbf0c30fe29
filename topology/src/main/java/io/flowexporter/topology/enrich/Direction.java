package io.flowexporter.topology.enrich;

/** Which way traffic crossed the operator's network edge. */
public enum Direction {
  /** Into the operator's AS: exposed as {@code flow_receive_*}. */
  RECEIVE,
  /** Out of the operator's AS: exposed as {@code flow_transmit_*}. */
  TRANSMIT;

  /** {@code receive} or {@code transmit}, as in the metric names. */
  public String metricWord() {
    return this == RECEIVE ? "receive" : "transmit";
  }
}
