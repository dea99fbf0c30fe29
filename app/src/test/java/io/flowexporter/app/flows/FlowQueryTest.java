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
    // The default quarter hour does not reach before Kafka's first record time.
    FlowQuery early = FlowQuery.parse(FlowQuery.Kind.SEARCH, "to=1970-01-01T00:10:00Z", NOW);
    assertThat(early.from()).isEqualTo(Instant.EPOCH);
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
    assertBad(FlowQuery.Kind.TAP, "timeout=999ms", "timeout", "minimum of 1s");
    assertBad(FlowQuery.Kind.TAP, "timeout=PT0.0005S", "timeout", "minimum of 1s");
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
        "from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z",
        "from",
        "wide, above the cap of 24h");
    assertBad(
        FlowQuery.Kind.SEARCH,
        "from=1970-01-01T00:00:00.5Z&to=%2B999999999-12-31T23:59:59Z",
        "to",
        "after 9999-12-31T23:59:59Z");
    // An hour, but past what milliseconds in a long hold: a 400, not a failure of the scan.
    assertBad(
        FlowQuery.Kind.SEARCH,
        "from=%2B300000000-01-01T00:00:00Z&to=%2B300000000-01-01T01:00:00Z",
        "to",
        "after 9999-12-31T23:59:59Z");
    assertBad(
        FlowQuery.Kind.SEARCH,
        "from=%2B300000000-01-01T00:00:00Z&to=now",
        "from",
        "after 9999-12-31T23:59:59Z");
    assertThat(
            FlowQuery.parse(
                    FlowQuery.Kind.SEARCH, "from=9999-12-31T23:00:00Z&to=9999-12-31T23:59:59Z", NOW)
                .to())
        .isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
  }

  @Test
  void timesBeforeKafkasFirstRecordTimeAreRefusedNamingTheParameter() {
    assertBad(
        FlowQuery.Kind.SEARCH,
        "from=1969-12-31T23:50:00Z&to=1970-01-01T00:05:00Z",
        "from",
        "before 1970-01-01T00:00:00Z");
    assertBad(FlowQuery.Kind.SEARCH, "to=0001-01-01T00:10:00Z", "to", "before 1970");
    // Without from, the range would start at 1970 too: to is what the client gave.
    assertBad(FlowQuery.Kind.SEARCH, "to=1970-01-01T00:00:00Z", "to", "no range after 1970");
    assertThat(
            FlowQuery.parse(
                    FlowQuery.Kind.SEARCH, "from=1970-01-01T00:00:00Z&to=1970-01-01T00:05:00Z", NOW)
                .from())
        .isEqualTo(Instant.EPOCH);
  }

  @Test
  void anOffsetsPlusTypedIntoTheUrlUnencodedIsStillAnOffset() {
    // URL decoding turns the '+' of "+01:00" into a space.
    FlowQuery q =
        FlowQuery.parse(
            FlowQuery.Kind.SEARCH,
            "from=2026-11-29T15:00:00+01:00&to=2026-11-29T15:07:00+01:00",
            NOW);
    assertThat(q.from()).isEqualTo(Instant.parse("2026-11-29T14:00:00Z"));
    assertThat(q.to()).isEqualTo(Instant.parse("2026-11-29T14:07:00Z"));
    assertBad(FlowQuery.Kind.SEARCH, "from=2026-11-29 01:00", "from", "not an RFC 3339 time");
  }

  @Test
  void emptySegmentsAreIgnoredAndUnknownParametersListEveryKnownOne() {
    FlowQuery q = FlowQuery.parse(FlowQuery.Kind.TAP, "&&limit=7&&port=443&", NOW);
    assertThat(q.limit()).isEqualTo(7);
    assertThat(q.filter().toString()).isEqualTo("port=443");
    assertBad(FlowQuery.Kind.SEARCH, "limit=1&Limit=1", "Limit", "known are");
    assertThatThrownBy(() -> FlowQuery.parse(FlowQuery.Kind.SEARCH, "Limit=1", NOW))
        .hasMessageContaining(" limit,")
        .hasMessageContaining(" from,")
        .hasMessageContaining(" proto,");
    assertThatThrownBy(() -> FlowQuery.parse(FlowQuery.Kind.TAP, "bogus=1", NOW))
        .hasMessageContaining(" timeout")
        .hasMessageNotContaining(" from,");
  }

  @Test
  void errorMessagesShowTheRangeAndTheDurationsThatAreAllowed() {
    assertBad(
        FlowQuery.Kind.SEARCH,
        "from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00.001Z",
        "from",
        "24h0m0.001s wide");
    assertBad(FlowQuery.Kind.SEARCH, "from=-1441m", "from", "24h1m0s wide");
    assertBad(
        FlowQuery.Kind.SEARCH,
        "from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00.0000001Z",
        "from",
        "24h0m0.001s wide");
    assertThatThrownBy(() -> FlowQuery.parse(FlowQuery.Kind.TAP, "timeout=10", NOW))
        .hasMessageContaining("1s to 300s")
        .hasMessageNotContaining("30d");
  }

  private static void assertBad(
      FlowQuery.Kind kind, String query, String parameter, String message) {
    assertThatThrownBy(() -> FlowQuery.parse(kind, query, NOW))
        .isInstanceOfSatisfying(
            FlowQueryException.class, e -> assertThat(e.parameter()).isEqualTo(parameter))
        .hasMessageContaining(message);
  }
}
