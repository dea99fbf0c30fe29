package io.flowexporter.app.kafka;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * How many records this instance is behind on the input topic: the sum of the main consumers'
 * {@code records-lag} over the input partitions they own.
 */
public final class ConsumerLag {

  private ConsumerLag() {}

  /** The lag, or NaN while no partition has reported one. */
  public static double of(KafkaStreams streams, String topic) {
    double sum = 0;
    boolean any = false;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName name = e.getKey();
      if (!"records-lag".equals(name.name())
          || !"consumer-fetch-manager-metrics".equals(name.group())
          || !topic.equals(name.tags().get("topic"))
          || name.tags().getOrDefault("client-id", "").endsWith("restore-consumer")) {
        continue;
      }
      Object v = e.getValue().metricValue();
      if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
        sum += n.doubleValue();
        any = true;
      }
    }
    return any ? sum : Double.NaN;
  }
}
