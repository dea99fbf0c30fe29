package io.flowexporter.app.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance has been out of touch with its consumer group for so long that the group
 * may have given its partitions to other instances.
 *
 * <p>The group coordinator drops a member {@code session.timeout.ms} after the last heartbeat it
 * received, and another instance then takes over the member's partitions, while the member itself,
 * cut off, learns of it only once it reaches Kafka again. Until then it would go on exposing the
 * series of partitions that another instance now exposes too. So a main consumer that has had no
 * answer to a heartbeat for the session timeout less one heartbeat interval counts as out of the
 * group, and the instance stops exposing its series: the coordinator received the last heartbeat
 * answered no earlier than the answer came back.
 *
 * <p>Answers, not heartbeats sent: a consumer goes on sending (queueing) heartbeats on a connection
 * that no longer carries anything until a request times out (30 s), and to a coordinator it cannot
 * connect to while the attempt is pending. The answers are counted by the consumer's {@code
 * heartbeat-total}; {@link #observe} samples it (every half second, and at each scrape) and takes
 * the last answer to have come right after the sample before the one that saw the count grow.
 *
 * <p>Back in touch, a consumer that was out may have been dropped by the group (its silence was at
 * least the session timeout less a heartbeat interval). It counts as in the group again once it has
 * completed a rebalance ({@code rebalance-total} grew: Kafka Streams closed the tasks it lost
 * before it rejoined, and their series are forgotten), or once answers have come in {@value
 * #ANSWERS_TO_STAY} samples since it went out, without one: a dropped member is answered that it is
 * unknown and sends no heartbeat until it has rejoined, so answers spread over seconds come only to
 * a member the group kept (heartbeats queued during the outage can be answered all at once, in one
 * sample).
 *
 * <p>A member that waits to rejoin the group during a rebalance sends no heartbeat meanwhile either
 * (the coordinator keeps it): should the rebalance wait that long for a slow member, the series of
 * every instance waiting are missing for that while, which Prometheus shows as a gap, never as a
 * reset.
 */
public final class GroupContact {

  private static final Logger LOG = LoggerFactory.getLogger(GroupContact.class);
  private static final String GROUP = "consumer-coordinator-metrics";

  private final long lostAfterNanos;

  /** Main consumer (client id) to what was seen of it; guarded by this. */
  private final Map<String, Member> members = new HashMap<>();

  private boolean out;

  /** When {@link #observe} last sampled every consumer. */
  private long lastSampleNanos;

  /**
   * Samples with new answers to heartbeats since a consumer went out that show it was kept in the
   * group, without a rebalance: a dropped member's queued heartbeats are answered in a burst.
   */
  static final int ANSWERS_TO_STAY = 5;

  /** What was last seen of one main consumer. */
  private static final class Member {
    long answers;
    long rebalances;

    /** The earliest time the last answer can have come: the sample before the one that saw it. */
    long lastAnswerNanos;

    /** Out of the group since the counts below; back as {@link GroupContact} says. */
    boolean out;

    long samplesAnsweredWhileOut;
    long rebalancesWhenOut;
  }

  /**
   * @param lostAfter how long without an answer to a heartbeat makes a consumer out of the group
   */
  GroupContact(Duration lostAfter) {
    this.lostAfterNanos = lostAfter.toNanos();
  }

  /** For the main consumers configured by {@code streamsProperties}. */
  public static GroupContact of(Properties streamsProperties) {
    long session = consumerSetting(streamsProperties, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
    long heartbeat =
        consumerSetting(streamsProperties, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
    return new GroupContact(Duration.ofMillis(Math.max(heartbeat, session - heartbeat)));
  }

  /** How long without an answer to a heartbeat makes an instance count as out of its group. */
  public Duration lostAfter() {
    return Duration.ofNanos(lostAfterNanos);
  }

  /**
   * Takes in the main consumers' heartbeat answers and rebalances as of {@code nanos} ({@link
   * System#nanoTime()}), and says whether this instance counts as out of its group now.
   *
   * @param liveConsumers the client ids of the main consumers of the live stream threads
   */
  public synchronized boolean observe(
      Map<MetricName, ? extends Metric> metrics, Set<String> liveConsumers, long nanos) {
    Map<String, long[]> seen = countsOf(metrics);
    // A stream thread that died keeps its consumer's last metrics until Kafka Streams sweeps it
    // out.
    seen.keySet().retainAll(liveConsumers);
    members.keySet().retainAll(seen.keySet()); // a replaced stream thread's consumer is gone
    long longestSilence = 0;
    boolean anyOut = false;
    for (Map.Entry<String, long[]> e : seen.entrySet()) {
      long answers = e.getValue()[0];
      long rebalances = e.getValue()[1];
      Member m = members.get(e.getKey());
      if (m == null) {
        m = new Member();
        m.answers = answers;
        m.rebalances = rebalances;
        m.lastAnswerNanos = nanos;
        members.put(e.getKey(), m);
        continue;
      }
      if (answers > m.answers) {
        m.answers = answers;
        m.lastAnswerNanos = lastSampleNanos;
        if (m.out) {
          m.samplesAnsweredWhileOut++;
        }
      }
      long silence = nanos - m.lastAnswerNanos;
      if (!m.out && silence >= lostAfterNanos) {
        m.out = true;
        m.samplesAnsweredWhileOut = 0;
        m.rebalancesWhenOut = m.rebalances;
      } else if (m.out
          && silence < lostAfterNanos
          && (rebalances > m.rebalancesWhenOut || m.samplesAnsweredWhileOut >= ANSWERS_TO_STAY)) {
        m.out = false;
      }
      m.rebalances = rebalances;
      if (m.out) {
        anyOut = true;
        longestSilence = Math.max(longestSilence, silence);
      }
    }
    if (anyOut && !out) {
      LOG.warn(
          "No answer from the consumer group for {} s (the session timeout less a heartbeat"
              + " interval: {} s): the group gives this instance's partitions to the other"
              + " instances, so their series are no longer on /metrics here until it is back in"
              + " the group",
          Duration.ofNanos(longestSilence).toSeconds(),
          lostAfter().toSeconds());
    } else if (!anyOut && out) {
      LOG.info(
          "Back in the consumer group: the series of the partitions held here are exposed again");
    }
    out = anyOut;
    lastSampleNanos = nanos;
    return out;
  }

  /** Whether the last {@link #observe} said out of the group. */
  public synchronized boolean isOut() {
    return out;
  }

  /** Client id to {heartbeat answers, completed rebalances}, of the consumers in a group. */
  private static Map<String, long[]> countsOf(Map<MetricName, ? extends Metric> metrics) {
    Map<String, long[]> out = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName name = e.getKey();
      int slot =
          switch (name.name()) {
            case "heartbeat-total" -> 0;
            case "rebalance-total" -> 1;
            default -> -1;
          };
      if (slot >= 0
          && name.group().equals(GROUP)
          && e.getValue().metricValue() instanceof Number n) {
        out.computeIfAbsent(name.tags().getOrDefault("client-id", ""), k -> new long[2])[slot] =
            n.longValue();
      }
    }
    return out;
  }

  /**
   * A main consumer's setting as Kafka Streams resolves it: {@code main.consumer.}, then {@code
   * consumer.}, then the plain key, then the consumer's default.
   */
  static long consumerSetting(Properties p, String key) {
    for (String k :
        List.of(StreamsConfig.mainConsumerPrefix(key), StreamsConfig.consumerPrefix(key), key)) {
      Object v = p.get(k);
      if (v != null) {
        try {
          return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
          break; // Kafka Streams refuses it at start; meanwhile, the default
        }
      }
    }
    return ((Number) ConsumerConfig.configDef().defaultValues().get(key)).longValue();
  }
}
