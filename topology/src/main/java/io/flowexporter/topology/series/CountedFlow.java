package io.flowexporter.topology.series;

import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.flow.FlowRecord;

/**
 * A flow record that counts, as the families' extractors see it: the record, its direction and its
 * resolved AS numbers, and the remote side's country, looked up only when a family asks for it. One
 * instance per stream task, refilled for every record (the hot path allocates nothing per record);
 * extractors must not keep it.
 */
public final class CountedFlow {

  private FlowRecord record;
  private Direction direction;
  private long sourceAs;
  private long destinationAs;
  private String remoteCountry;
  private final FlowClassifier classifier;

  /** A flow whose country {@code classifier} resolves. */
  public CountedFlow(FlowClassifier classifier) {
    this.classifier = classifier;
  }

  /** Refills this flow; the counting processor's job. */
  public CountedFlow set(
      FlowRecord record, Direction direction, long sourceAs, long destinationAs) {
    this.record = record;
    this.direction = direction;
    this.sourceAs = sourceAs;
    this.destinationAs = destinationAs;
    this.remoteCountry = null;
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

  /** The source address's country ({@link FlowClassifier#sourceCountry}). */
  public String sourceCountry() {
    return classifier.sourceCountry(record);
  }

  /** The destination address's country ({@link FlowClassifier#destinationCountry}). */
  public String destinationCountry() {
    return classifier.destinationCountry(record);
  }

  /**
   * The remote side's country ({@link FlowClassifier#remoteCountry}): an upper-case ISO 3166-1
   * alpha-2 code, {@code ZZ} when unknown.
   */
  public String remoteCountry() {
    if (remoteCountry == null) {
      remoteCountry = classifier.remoteCountry(record, direction);
    }
    return remoteCountry;
  }
}
