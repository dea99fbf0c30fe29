package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.aggregate.UnreadableFormatException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class UnreadableFormatsTest {

  private final UnreadableFormats formats = new UnreadableFormats("flows-v2", "pmacct.flows");

  private static UnreadableFormatException bucket(boolean newer) {
    return new UnreadableFormatException(
        "bucket 0 is in format 9, not 3", "series-totals-changelog", newer);
  }

  @Test
  void isFoundWhereKafkaStreamsWrappedIt() {
    UnreadableFormatException cause = bucket(false);
    Throwable wrapped =
        new StreamsException(
            "stream-thread [t-1] task [1_0] failed", new StreamsException("init", cause));
    assertThat(UnreadableFormats.find(wrapped)).containsSame(cause);
    assertThat(formats.stopMessage(wrapped)).isPresent();
  }

  @Test
  void otherFailuresAreNotItsBusiness() {
    assertThat(formats.stopMessage(new IllegalStateException("bad bucket"))).isEmpty();
    assertThat(formats.stopMessage(new StreamsException(new RuntimeException("broker gone"))))
        .isEmpty();
  }

  @Test
  void aNewerVersionsDataAsksForThatVersionOrAStartOver() {
    assertThat(formats.stopMessage(bucket(true)).orElseThrow())
        .startsWith(
            "Topic flows-v2-series-totals-changelog holds data of a newer version of flow-exporter")
        .contains(
            "bucket 0 is in format 9, not 3",
            "Run that newer version for application id 'flows-v2'",
            "start with a new --application-id",
            "kafka-streams-application-reset --bootstrap-server <brokers> --application-id"
                + " flows-v2 --input-topics pmacct.flows")
        .doesNotContain("another program");
  }

  @Test
  void dataNoVersionWritesNamesAnotherProgramOrDamageAndTheStartOver() {
    assertThat(formats.stopMessage(bucket(false)).orElseThrow())
        .startsWith(
            "Topic flows-v2-series-totals-changelog holds data that no version of flow-exporter"
                + " writes (bucket 0 is in format 9, not 3): another program wrote to it, or it is"
                + " damaged. Either start with a new --application-id")
        .contains("--application-id flows-v2 --input-topics pmacct.flows")
        .doesNotContain("newer");
  }
}
