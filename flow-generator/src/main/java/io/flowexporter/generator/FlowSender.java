package io.flowexporter.generator;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Generated records into a topic at a steady rate: the traffic of the {@code generate} command and
 * of the demo.
 */
public final class FlowSender {

  private FlowSender() {}

  /**
   * A producer that batches like pmacct's kafka plugin (lz4, a short linger) and has every record
   * acknowledged by all in-sync replicas.
   */
  public static KafkaProducer<String, String> producer(String brokers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /**
   * Sends records at {@code rate} per second until {@code count} (if above 0) are sent or {@code
   * stop} turns true, then waits for the last acknowledgements; {@code acks} counts them as they
   * come.
   */
  public static void send(
      FlowGenerator generator,
      KafkaProducer<String, String> producer,
      String topic,
      int rate,
      long count,
      AtomicBoolean stop,
      Acks acks)
      throws InterruptedException {
    long start = System.nanoTime();
    long n = 0;
    while (!stop.get() && (count <= 0 || n < count)) {
      // Whole seconds and the rest apart: nanoseconds times the rate would overflow a long after
      // 2.6 h at 1,000,000 records/s, and the sender would stop.
      long elapsed = System.nanoTime() - start;
      long due =
          elapsed / 1_000_000_000L * rate + elapsed % 1_000_000_000L * rate / 1_000_000_000L + 1;
      while (n < due && (count <= 0 || n < count)) {
        producer.send(
            new ProducerRecord<>(topic, generator.next()),
            (metadata, error) -> acks.completed(error));
        n++;
      }
      Thread.sleep(5);
    }
    producer.flush();
  }
}
