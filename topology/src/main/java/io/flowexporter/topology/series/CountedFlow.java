package io.flowexporter.topology.series;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.flow.FlowRecord;

/**
 * A flow record that counts, as the families' extractors see it: the record, its direction and
 * its resolved AS numbers. One instance per stream task, refilled for every record (the hot path
 * allocates nothing per record); extractors must not keep it.
 */
public final class CountedFlow {

  private FlowRecord record;
  private Direction direction;
  private long sourceAs;
  private long destinationAs;

  /** Refills this flow; the counting processor's job. */
  public CountedFlow set(FlowRecord record, Direction direction, long sourceAs, long destinationAs) {
    this.record = record;
    this.direction = direction;
    this.sourceAs = sourceAs;
    this.destinationAs = destinationAs;
    return this;
  }

  public FlowRecord record() {
    return record;
  }

  public Direction direction() {
    return direction;
  }

  /** The source AS, with AS 0 replaced from the AS database when so configured. */
  public long sourceAs() {
    return sourceAs;
  }

  /** The destination AS, resolved like {@link #sourceAs()}. */
  public long destinationAs() {
    return destinationAs;
  }
}
