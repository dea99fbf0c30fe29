package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownTokenAuditTest {

  private static final long MINUTE = UnknownTokenAudit.INTERVAL_NANOS;

  private final List<String> lines = new ArrayList<>();
  private final UnknownTokenAudit audit = new UnknownTokenAudit(lines::add);

  @Test
  void theFirstRequestIsOnRecordAtOnceAndTheNextOnesAtMostOnceAMinute() {
    audit.refused("192.0.2.1", 0);
    assertThat(lines).containsExactly(line(1, "192.0.2.1 (1)"));
    for (int i = 0; i < 1000; i++) {
      audit.refused("192.0.2.1", 1 + i);
    }
    audit.writeIfDue(MINUTE - 1);
    assertThat(lines).hasSize(1);
  }

  @Test
  void aBurstIsPutDownToItsAddressNotToTheOneThatCameLast() {
    audit.refused("192.0.2.1", 0);
    for (int i = 0; i < 1000; i++) {
      audit.refused("198.51.100.7", 10 + i);
    }
    // Days later, someone mistypes their token.
    audit.refused("203.0.113.9", 3 * 86_400 * 1_000_000_000L);
    assertThat(lines)
        .containsExactly(
            line(1, "192.0.2.1 (1)"), line(1001, "198.51.100.7 (1000), 203.0.113.9 (1)"));
  }

  @Test
  void whatWasHeldBackIsWrittenByAnyRequestOnceTheMinuteIsOver() {
    audit.refused("192.0.2.1", 0);
    audit.refused("192.0.2.2", 5);
    audit.writeIfDue(MINUTE - 1);
    assertThat(lines).hasSize(1);
    audit.writeIfDue(MINUTE); // a minute after the last line
    audit.writeIfDue(3 * MINUTE); // nothing new: no line
    assertThat(lines).containsExactly(line(1, "192.0.2.1 (1)"), line(1, "192.0.2.2 (1)"));
  }

  @Test
  void aLineNamesTheBusiestAddressesAndCountsTheRest() {
    audit.refused("192.0.2.100", 0);
    lines.clear();
    for (int a = 1; a <= 8; a++) {
      for (int i = 0; i < a; i++) {
        audit.refused("192.0.2." + a, 1);
      }
    }
    audit.writeIfDue(MINUTE);
    assertThat(lines)
        .containsExactly(
            line(
                36,
                "192.0.2.8 (8), 192.0.2.7 (7), 192.0.2.6 (6), 192.0.2.5 (5), 192.0.2.4 (4)"
                    + " and 6 from other addresses"));
  }

  private static String line(long requests, String from) {
    return "flow API: "
        + requests
        + " request(s) with a token that is not one of the API's tokens since the last such line,"
        + " from "
        + from;
  }
}
