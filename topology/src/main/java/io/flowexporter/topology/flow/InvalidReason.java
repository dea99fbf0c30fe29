package io.flowexporter.topology.flow;

import java.util.Locale;

/**
 * Why a message, or one line of a multi-record message, was not counted. The lower-case names are
 * the values of the {@code reason} label of {@code flow_exporter_invalid_records_total}.
 */
public enum InvalidReason {
  /** Not parseable as JSON. */
  MALFORMED_JSON,
  /** Valid JSON, but not an object. */
  NOT_AN_OBJECT,
  /** A field that flow-exporter reads has the wrong JSON type (a string where a number belongs). */
  WRONG_TYPE,
  /** No {@code bytes} field. */
  MISSING_BYTES,
  /** Negative or absurd byte or packet count, sampling rate or AS number. */
  OUT_OF_RANGE,
  /** The Kafka message is larger than {@link FlowParser#MAX_MESSAGE_BYTES}. */
  TOO_LARGE,
  /** A field that flow-exporter reads appears twice in one record. */
  DUPLICATE_FIELD;

  /** The label value: {@code malformed_json}, {@code wrong_type}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
