package io.flowexporter.app.kafka;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether the stream threads' consumers are connected to Kafka, from the consumers' own {@code
 * connection-count} metric: a consumer in a group keeps a connection to its group coordinator
 * (heartbeats) and to the leaders it fetches from, so the count is 0 only when no broker answers.
 */
public final class KafkaConnections {

  private KafkaConnections() {}

  /** True if every main consumer has at least one open connection (or none reports yet). */
  public static boolean mainConsumersConnected(KafkaStreams streams) {
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName name = e.getKey();
      if (!"connection-count".equals(name.name())
          || !"consumer-metrics".equals(name.group())
          || name.tags().getOrDefault("client-id", "").endsWith("restore-consumer")) {
        continue;
      }
      if (e.getValue().metricValue() instanceof Number n && n.doubleValue() < 1) {
        return false;
      }
    }
    return true;
  }
}
