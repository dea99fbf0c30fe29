package io.flowexporter.app.config;

import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams processing guarantee, as spelled on the command line. */
public enum ProcessingGuarantee {
  EXACTLY_ONCE_V2(StreamsConfig.EXACTLY_ONCE_V2),
  AT_LEAST_ONCE(StreamsConfig.AT_LEAST_ONCE);

  private final String configValue;

  ProcessingGuarantee(String configValue) {
    this.configValue = configValue;
  }

  /** The value of {@code processing.guarantee}, also the command-line spelling. */
  public String configValue() {
    return configValue;
  }
}
