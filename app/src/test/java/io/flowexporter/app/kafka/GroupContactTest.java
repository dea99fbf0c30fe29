package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class GroupContactTest {

  private static final String MAIN = "app-1-StreamThread-1-consumer";
  private static final long SECOND = 1_000_000_000L;

  private final GroupContact contact =
      new GroupContact(Duration.ofSeconds(44), Duration.ofSeconds(3));

  @Test
  void theSessionTimeoutLessAHeartbeatFromTheMainConsumersSettings() {
    Properties p = new Properties();
    assertThat(GroupContact.of(p).lostAfter()).isEqualTo(Duration.ofMillis(45_000 - 3_000));
    p.put("heartbeat.interval.ms", "1000");
    p.put("session.timeout.ms", "10000");
    assertThat(GroupContact.of(p).lostAfter()).isEqualTo(Duration.ofSeconds(9));
    p.put("consumer.session.timeout.ms", "20000");
    assertThat(GroupContact.of(p).lostAfter()).isEqualTo(Duration.ofSeconds(19));
    p.put("main.consumer.session.timeout.ms", "30000");
    assertThat(GroupContact.of(p).lostAfter()).isEqualTo(Duration.ofSeconds(29));
    // a heartbeat interval as long as the session: never before one interval
    p.put("main.consumer.heartbeat.interval.ms", "30000");
    assertThat(GroupContact.of(p).lostAfter()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void outOfTouchAfterNoHeartbeatForTheLimit() {
    assertThat(contact.lostFor(metrics(MAIN, 0, 44))).contains(Duration.ofSeconds(44));
    assertThat(contact.lostFor(metrics(MAIN, 0, 43))).isEmpty();
    // connected, but no heartbeat for that long: a connection attempt can hang for many seconds
    assertThat(contact.lostFor(metrics(MAIN, 1, 300))).contains(Duration.ofSeconds(300));
    // no heartbeat yet
    assertThat(contact.lostFor(metrics(MAIN, 0, -1))).isEmpty();
    // the restore consumer is in no group
    assertThat(contact.lostFor(metrics("app-1-StreamThread-1-restore-consumer", 0, 100))).isEmpty();
    assertThat(contact.lostFor(Map.of())).isEmpty();
  }

  @Test
  void theLongestOfSeveralThreads() {
    Map<MetricName, Metric> m = new HashMap<>(metrics(MAIN, 0, 50));
    m.putAll(metrics("app-1-StreamThread-2-consumer", 0, 61));
    m.putAll(metrics("app-1-StreamThread-3-consumer", 1, 3));
    assertThat(contact.lostFor(m)).contains(Duration.ofSeconds(61));
  }

  @Test
  void outUntilARebalanceEndsAfterContactIsBack() {
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 4, true, 0)).isFalse();
    assertThat(contact.outOfGroup(metrics(MAIN, 0, 44), 4, true, SECOND)).isTrue();
    // a heartbeat sent again: its answer is still to come
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 4, true, 2 * SECOND)).isTrue();
    // the group had dropped it: the stream rebalances, and is RUNNING again
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 5, false, 3 * SECOND)).isTrue();
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 6, true, 4 * SECOND)).isFalse();
  }

  @Test
  void outUntilInTouchForAFewHeartbeatsWithoutARebalance() {
    assertThat(contact.outOfGroup(metrics(MAIN, 0, 44), 4, true, 0)).isTrue();
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 4, true, SECOND)).isTrue();
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 1), 4, true, 3 * SECOND)).isTrue();
    // cut off again before it settled: the time back in touch starts over
    assertThat(contact.outOfGroup(metrics(MAIN, 0, 44), 4, true, 4 * SECOND)).isTrue();
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 4, true, 5 * SECOND)).isTrue();
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 4, true, 7 * SECOND)).isTrue();
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 4, true, 8 * SECOND)).isFalse();
  }

  @Test
  void notRunningStaysOut() {
    assertThat(contact.outOfGroup(metrics(MAIN, 0, 50), 4, true, 0)).isTrue();
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 4, false, SECOND)).isTrue();
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 4, false, 60 * SECOND)).isTrue();
    assertThat(contact.outOfGroup(metrics(MAIN, 1, 0), 4, true, 61 * SECOND)).isFalse();
  }

  private static Map<MetricName, Metric> metrics(String client, double connections, double age) {
    Map<MetricName, Metric> m = new HashMap<>();
    put(m, "connection-count", "consumer-metrics", client, connections);
    put(m, "last-heartbeat-seconds-ago", "consumer-coordinator-metrics", client, age);
    return m;
  }

  private static void put(
      Map<MetricName, Metric> m, String name, String group, String client, double value) {
    MetricName n = new MetricName(name, group, "", Map.of("client-id", client));
    m.put(
        n,
        new Metric() {
          @Override
          public MetricName metricName() {
            return n;
          }

          @Override
          public Object metricValue() {
            return value;
          }
        });
  }
}
