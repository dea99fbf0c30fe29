package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class GroupContactTest {

  private static final String MAIN = "app-1-StreamThread-1-consumer";
  private static final String SECOND_THREAD = "app-1-StreamThread-2-consumer";
  private static final long MS = 1_000_000L;

  /** Out after 5 s without an answer (a session timeout of 6 s, heartbeats every second). */
  private final GroupContact contact = new GroupContact(Duration.ofSeconds(5));

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
    p.put("main.consumer.session.timeout.ms", "not a number");
    assertThat(GroupContact.of(p).lostAfter()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void answeredHeartbeatsKeepItInTheGroup() {
    for (int t = 0; t <= 60; t++) {
      assertThat(observe(metrics(MAIN, t, 1), t * 1000 * MS)).as("at %d s", t).isFalse();
    }
    assertThat(contact.isOut()).isFalse();
  }

  @Test
  void outFromTheSampleBeforeTheLastAnswerPlusTheLimit() {
    observe(metrics(MAIN, 10, 1), 0);
    observe(metrics(MAIN, 10, 1), 500 * MS);
    // the answer came between 0.5 and 1 s: counted from 0.5 s, the earliest it can have come
    observe(metrics(MAIN, 11, 1), 1000 * MS);
    // heartbeats still sent, none answered
    assertThat(observe(metrics(MAIN, 11, 1), 5400 * MS)).isFalse();
    assertThat(observe(metrics(MAIN, 11, 1), 5500 * MS)).isTrue();
    assertThat(contact.isOut()).isTrue();
  }

  @Test
  void backAfterARebalance() {
    observe(metrics(MAIN, 10, 1), 0);
    assertThat(observe(metrics(MAIN, 10, 1), 6000 * MS)).isTrue();
    // answered again, but perhaps that it is unknown to the group: still out
    assertThat(observe(metrics(MAIN, 12, 1), 6500 * MS)).isTrue();
    assertThat(observe(metrics(MAIN, 12, 1), 7000 * MS)).isTrue();
    // it has rejoined: the tasks it lost were closed before
    assertThat(observe(metrics(MAIN, 13, 2), 7500 * MS)).isFalse();
  }

  @Test
  void backAfterAnswersInEnoughSamplesWithoutARebalance() {
    observe(metrics(MAIN, 10, 1), 0);
    assertThat(observe(metrics(MAIN, 10, 1), 5000 * MS)).isTrue();
    long answers = 10;
    long t = 5000;
    for (int i = 1; i < GroupContact.ANSWERS_TO_STAY; i++) {
      t += 1000;
      assertThat(observe(metrics(MAIN, ++answers, 1), t * MS)).as("answer %d", i).isTrue();
      // a sample between two answers
      assertThat(observe(metrics(MAIN, answers, 1), (t + 500) * MS)).isTrue();
    }
    assertThat(observe(metrics(MAIN, ++answers, 1), (t + 1000) * MS)).isFalse();
  }

  @Test
  void aBurstOfAnswersToHeartbeatsQueuedDuringTheOutageIsNotEnough() {
    observe(metrics(MAIN, 10, 1), 0);
    assertThat(observe(metrics(MAIN, 10, 1), 5000 * MS)).isTrue();
    // the connection is back: heartbeats queued meanwhile are answered at once (unknown member)
    assertThat(observe(metrics(MAIN, 20, 1), 5500 * MS)).isTrue();
    // no heartbeat until it has rejoined
    assertThat(observe(metrics(MAIN, 20, 1), 6000 * MS)).isTrue();
    assertThat(observe(metrics(MAIN, 21, 2), 6500 * MS)).isFalse();
  }

  @Test
  void aDeadThreadsConsumerIsNotLookedAt() {
    Map<MetricName, Metric> both = new HashMap<>();
    for (int t = 0; t <= 20; t++) { // the second thread died at the start: its metrics stay
      both.putAll(metrics(MAIN, 10 + t / 2, 1));
      both.putAll(metrics(SECOND_THREAD, 10, 1));
      assertThat(contact.observe(both, Set.of(MAIN), t * 500 * MS))
          .as("at %d ms", t * 500)
          .isFalse();
    }
  }

  @Test
  void anAnswerAfterALongSilenceDoesNotEndItWhileTheSilenceGoesOn() {
    observe(metrics(MAIN, 10, 1), 0);
    assertThat(observe(metrics(MAIN, 10, 1), 5000 * MS)).isTrue();
    assertThat(observe(metrics(MAIN, 11, 2), 5500 * MS)).isFalse();
    // silent again: the last answer counts from 5 s, the sample before the one that saw it
    assertThat(observe(metrics(MAIN, 11, 2), 9_900 * MS)).isFalse();
    assertThat(observe(metrics(MAIN, 11, 2), 10_000 * MS)).isTrue();
  }

  @Test
  void oneSilentThreadIsEnoughAndAReplacedThreadStartsAfresh() {
    Map<MetricName, Metric> both = new HashMap<>();
    for (int t = 0; t <= 12; t++) { // every half second, the first thread answered each second
      both.putAll(metrics(MAIN, 10 + t / 2, 1));
      both.putAll(metrics(SECOND_THREAD, 10, 1));
      assertThat(observe(both, t * 500 * MS)).as("at %d ms", t * 500).isEqualTo(t >= 10);
    }
    // the silent thread was replaced: its consumer's metrics are gone, the new one just came
    Map<MetricName, Metric> replaced = new HashMap<>(metrics(MAIN, 17, 1));
    replaced.putAll(metrics("app-1-StreamThread-3-consumer", 0, 0));
    assertThat(observe(replaced, 6500 * MS)).isFalse();
  }

  @Test
  void consumersWithoutAGroupAndOtherMetricsAreNotLookedAt() {
    Map<MetricName, Metric> m = new HashMap<>();
    put(m, "heartbeat-total", "consumer-metrics", MAIN, 1);
    put(m, "connection-count", "consumer-metrics", MAIN, 0);
    observe(m, 0);
    assertThat(observe(m, 60_000 * MS)).isFalse();
    assertThat(observe(Map.of(), 120_000 * MS)).isFalse();
  }

  /** Observes with every consumer that reports metrics a live stream thread's. */
  private boolean observe(Map<MetricName, Metric> metrics, long nanos) {
    Set<String> live = new HashSet<>();
    metrics.keySet().forEach(n -> live.add(n.tags().get("client-id")));
    return contact.observe(metrics, live, nanos);
  }

  private static Map<MetricName, Metric> metrics(String client, long answers, long rebalances) {
    Map<MetricName, Metric> m = new HashMap<>();
    put(m, "heartbeat-total", "consumer-coordinator-metrics", client, answers);
    put(m, "rebalance-total", "consumer-coordinator-metrics", client, rebalances);
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
