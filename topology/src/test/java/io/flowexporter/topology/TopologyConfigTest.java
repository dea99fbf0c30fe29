package io.flowexporter.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.topology.enrich.AsnFromIp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bound and the expiry the topology is given: defaults, and values refused at start. */
class TopologyConfigTest {

  @Test
  void theShortConstructorKeepsTheDefaultBoundAndExpiry() {
    TopologyConfig config = new TopologyConfig("t", List.of(64500L), AsnFromIp.AUTO, 1);
    assertThat(config.maxSeries()).isEqualTo(200_000);
    assertThat(config.seriesTtl()).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void aBoundBelowOneOrAnExpiryThatIsNotPositiveIsRefused() {
    assertThatThrownBy(
            () ->
                new TopologyConfig("t", List.of(64500L), AsnFromIp.AUTO, 1, 0, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max series");
    assertThatThrownBy(
            () -> new TopologyConfig("t", List.of(64500L), AsnFromIp.AUTO, 1, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TTL");
    assertThatThrownBy(
            () ->
                new TopologyConfig(
                    "t", List.of(64500L), AsnFromIp.AUTO, 1, 1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TTL");
    assertThatThrownBy(() -> new TopologyConfig("t", List.of(64500L), AsnFromIp.AUTO, 1, 1, null))
        .isInstanceOf(NullPointerException.class);
    assertThat(
            new TopologyConfig("t", List.of(64500L), AsnFromIp.AUTO, 1, 1, Duration.ofMillis(1))
                .maxSeries())
        .isEqualTo(1);
  }
}
