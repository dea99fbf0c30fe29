package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlowQueryTest {

  private static final Instant NOW = Instant.parse("2026-11-29T14:10:00Z");

  @Test
  void defaults() {
    FlowQuery tap = FlowQuery.parse(FlowQuery.Kind.TAP, null, NOW);
    assertThat(tap.limit()).isEqualTo(100);
    assertThat(tap.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(tap.filter().selectsAll()).isTrue();
    FlowQuery search = FlowQuery.parse(FlowQuery.Kind.SEARCH, "ip=203.0.113.7", NOW);
    assertThat(search.from()).isEqualTo(NOW.minus(Duration.ofMinutes(15)));
    assertThat(search.to()).isEqualTo(NOW);
  }

  @Test
  void boundsAndTimesSplitFromTheFilter() {
    FlowQuery q =
        FlowQuery.parse(
            FlowQuery.Kind.SEARCH,
            "ip=203.0.113.7&port=40123&from=2026-11-29T13:57:00Z&to=2026-11-29T15:07:00%2B01:00&limit=5&timeout=2m",
            NOW);
    assertThat(q.from()).isEqualTo(Instant.parse("2026-11-29T13:57:00Z"));
    assertThat(q.to()).isEqualTo(Instant.parse("2026-11-29T14:07:00Z"));
    assertThat(q.limit()).isEqualTo(5);
    assertThat(q.timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(q.filter().toString()).isEqualTo("ip=203.0.113.7&port=40123");
    FlowQuery relative = FlowQuery.parse(FlowQuery.Kind.SEARCH, "from=-2h&to=-1h", NOW);
    assertThat(relative.from()).isEqualTo(NOW.minus(Duration.ofHours(2)));
    assertThat(relative.to()).isEqualTo(NOW.minus(Duration.ofHours(1)));
  }

  @Test
  void capsAreRefusedNamingTheParameterAndTheCap() {
    assertBad(FlowQuery.Kind.TAP, "limit=100001", "limit", "100000");
    assertBad(FlowQuery.Kind.TAP, "timeout=5m1s", "timeout", "duration");
    assertBad(FlowQuery.Kind.TAP, "timeout=301s", "timeout", "300s");
    assertBad(FlowQuery.Kind.SEARCH, "from=-1441m", "from", "24h");
    assertBad(
        FlowQuery.Kind.SEARCH, "from=2026-11-28T14:00:00Z&to=2026-11-29T14:00:01Z", "from", "24h");
    assertThat(FlowQuery.parse(FlowQuery.Kind.SEARCH, "from=-24h", NOW).from())
        .isEqualTo(NOW.minus(Duration.ofHours(24)));
    assertThat(FlowQuery.parse(FlowQuery.Kind.TAP, "limit=100000&timeout=300s", NOW).limit())
        .isEqualTo(100_000);
  }

  @Test
  void timesBeyondWhatAnInstantHoldsAreRefusedNamingTheParameter() {
    assertBad(FlowQuery.Kind.SEARCH, "from=-999999999999d", "from", "before the first instant");
    assertBad(
        FlowQuery.Kind.SEARCH,
        "from=1970-01-01T00:00:00Z&to=%2B999999999-12-31T23:59:59Z",
        "from",
        "wide; at most 24h");
    assertBad(
        FlowQuery.Kind.SEARCH,
        "from=1970-01-01T00:00:00.5Z&to=%2B999999999-12-31T23:59:59Z",
        "from",
        "at most 24h");
  }

  private static void assertBad(
      FlowQuery.Kind kind, String query, String parameter, String message) {
    assertThatThrownBy(() -> FlowQuery.parse(kind, query, NOW))
        .isInstanceOfSatisfying(
            FlowQueryException.class, e -> assertThat(e.parameter()).isEqualTo(parameter))
        .hasMessageContaining(message);
  }
}
