package io.flowexporter.app.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
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
 * <p>The group coordinator drops a member it has not heard from for {@code session.timeout.ms}
 * after the last heartbeat it received, and another instance then takes over the member's
 * partitions, while the member itself, cut off, learns of it only once it reaches Kafka again.
 * Until then it would go on exposing the series of partitions that another instance now exposes
 * too, and {@code sum} in Prometheus would count them twice. So a main consumer that has sent no
 * heartbeat for the session timeout less one heartbeat interval counts as out of the group: the
 * coordinator's clock started no earlier than the last heartbeat sent, and the consumer's own
 * figure ({@code last-heartbeat-seconds-ago}) is in whole seconds, truncated, so the instance stops
 * exposing the series by the time the coordinator can drop it.
 *
 * <p>Whether the consumer still has connections does not tell: a connection attempt to a broker
 * that drops packets stays open for many seconds. A member that waits that long to rejoin the group
 * (it sends no heartbeat meanwhile) also counts as out: its series are missing for that while,
 * which Prometheus shows as a gap, never as a reset.
 */
public final class GroupContact {

  private static final Logger LOG = LoggerFactory.getLogger(GroupContact.class);

  private final Duration lostAfter;
  private final Duration settle;

  // Guarded by this.
  private boolean out;
  private long changesWhenOut;
  private long inTouchSince = -1;

  /**
   * @param lostAfter how long without a heartbeat and a connection makes a consumer out of the
   *     group
   * @param settle how long back in touch, without a rebalance, before the group has surely kept
   *     this member: its first heartbeat would have told otherwise
   */
  GroupContact(Duration lostAfter, Duration settle) {
    this.lostAfter = lostAfter;
    this.settle = settle;
  }

  /** For the main consumers configured by {@code streamsProperties}. */
  public static GroupContact of(Properties streamsProperties) {
    long session = consumerSetting(streamsProperties, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
    long heartbeat =
        consumerSetting(streamsProperties, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
    return new GroupContact(
        Duration.ofMillis(Math.max(heartbeat, session - heartbeat)),
        Duration.ofMillis(Math.max(3_000, 3 * heartbeat)));
  }

  /**
   * Whether this instance counts as out of its consumer group now, so that its owner partitions'
   * series must not be exposed: from the moment a main consumer has been out of touch for {@link
   * #lostAfter} until the instance is back in the group, that is until the stream is RUNNING again
   * after a state change (the rebalance in which a member dropped by the group learns of it and
   * closes the tasks it lost) or, without one, after it has been in touch for a few heartbeats.
   *
   * @param metrics the stream's client metrics
   * @param stateChanges how many times the stream's state has changed so far
   * @param running whether the stream is RUNNING
   * @param nanos {@link System#nanoTime()}
   */
  public synchronized boolean outOfGroup(
      Map<MetricName, ? extends Metric> metrics, long stateChanges, boolean running, long nanos) {
    Optional<Duration> lost = lostFor(metrics);
    if (lost.isPresent()) {
      if (!out) {
        out = true;
        changesWhenOut = stateChanges;
        LOG.warn(
            "No heartbeat sent to the consumer group for {} s (the session timeout less a"
                + " heartbeat interval: {} s): the group gives this instance's partitions to the"
                + " other instances, so their series are no longer on /metrics here until it is"
                + " back in the group",
            lost.get().toSeconds(),
            lostAfter.toSeconds());
      }
      inTouchSince = -1;
      return true;
    }
    if (!out) {
      return false;
    }
    if (inTouchSince < 0) {
      inTouchSince = nanos;
    }
    if (running && (stateChanges != changesWhenOut || nanos - inTouchSince >= settle.toNanos())) {
      out = false;
      inTouchSince = -1;
      LOG.info(
          "Back in the consumer group: the series of the partitions held here are exposed again");
      return false;
    }
    return true;
  }

  /** Whether the last {@link #outOfGroup} call answered true. */
  public synchronized boolean isOut() {
    return out;
  }

  /** How long out of touch makes an instance count as out of its group. */
  public Duration lostAfter() {
    return lostAfter;
  }

  /**
   * How long the main consumer longest out of touch has sent no heartbeat, if that makes it count
   * as out of the group; empty while every main consumer is in touch (or reports nothing yet).
   */
  Optional<Duration> lostFor(Map<MetricName, ? extends Metric> metrics) {
    Duration longest = null;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName name = e.getKey();
      if (name.name().equals("last-heartbeat-seconds-ago")
          && name.group().equals("consumer-coordinator-metrics")
          && !name.tags().getOrDefault("client-id", "").endsWith("restore-consumer")
          // -1 before the first heartbeat
          && e.getValue().metricValue() instanceof Number n
          && n.doubleValue() >= 0) {
        Duration age = Duration.ofMillis((long) (n.doubleValue() * 1000));
        if (age.compareTo(lostAfter) >= 0 && (longest == null || age.compareTo(longest) > 0)) {
          longest = age;
        }
      }
    }
    return Optional.ofNullable(longest);
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
