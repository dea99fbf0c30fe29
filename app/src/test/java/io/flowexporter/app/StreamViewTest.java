package io.flowexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.aggregate.CommittedTotals;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

/**
 * The view before the stream's clients exist (waiting for Kafka or the topic): never ready, even if
 * a state was reported, nothing exposed, the lag unknown. The attached stream's side is covered by
 * the integration tests on real brokers (StartupIT, BrokerOutageIT, CutOffIT, CrashIT).
 */
class StreamViewTest {

  private final StreamView view = new StreamView(new CommittedTotals(), "flows", () -> false);

  @Test
  void beforeTheStreamExistsNothingIsReadyOrExposed() {
    assertThat(view.attached()).isFalse();
    assertThat(view.state()).isEqualTo(State.CREATED);
    assertThat(view.ready()).isFalse();
    assertThat(view.notReadyReason()).isEqualTo("waiting for Kafka and the topic");
    assertThat(view.consumerLag()).isNaN();
    assertThat(view.exposedPartitions()).isZero();
    assertThat(view.exposedSeries(0)).isZero();
    assertThat(view.trafficSnapshot().size()).isZero();
    view.sampleGroupContact(); // nothing to sample yet: no failure

    view.changed(State.RUNNING);
    assertThat(view.state()).isEqualTo(State.RUNNING);
    assertThat(view.ready()).as("RUNNING, but no clients to be connected").isFalse();
    assertThat(view.notReadyReason()).isEqualTo("waiting for Kafka and the topic");
  }
}
