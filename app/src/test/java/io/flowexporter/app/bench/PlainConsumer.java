package io.flowexporter.app.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The baseline: a plain {@link KafkaConsumer} with default settings that fetches every record of
 * the topic and discards it (only value sizes are summed). Run by {@link Benchmark} as its own JVM,
 * like the exporter, so both pay the same start-up.
 *
 * <p>Usage: {@code PlainConsumer BROKERS TOPIC RECORDS}. Prints one line {@code records=N
 * value_bytes=B first_ms=T last_ms=T cpu_s=S peak_rss_kib=K} (wall-clock epoch milliseconds).
 */
public final class PlainConsumer {

  private PlainConsumer() {}

  public static void main(String[] args) {
    String brokers = args[0];
    String topic = args[1];
    long expected = Long.parseLong(args[2]);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    long n = 0;
    long valueBytes = 0;
    long first = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = io.flowexporter.app.it.Topics.partitions(c, topic);
      c.assign(parts);
      c.seekToBeginning(parts);
      while (n < expected) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
        if (first == 0 && !records.isEmpty()) {
          first = System.currentTimeMillis();
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          valueBytes += r.value().length;
          n++;
        }
      }
    }
    long last = System.currentTimeMillis();
    ProcStats s = ProcStats.self();
    System.out.printf(
        "records=%d value_bytes=%d first_ms=%d last_ms=%d cpu_s=%.2f peak_rss_kib=%d%n",
        n, valueBytes, first, last, s.cpuSeconds(), s.peakRssKiB());
  }
}
