/*
 * Reads a whole Kafka topic once and writes every message to a JSON-lines file, so the
 * pmacct end-to-end checker (e2e/check-topic.py) can count it without a Kafka library.
 *
 * Usage (Java 17 single-file launch, kafka-clients on the classpath):
 *   java -cp "$(cat /tmp/pm-cp.txt)" e2e/TopicDump.java BOOTSTRAP TOPIC OUT_FILE [TIMEOUT_MS]
 *
 * Reads every partition from the beginning up to the end offsets taken when it starts (so
 * call it after the producer is done), with no consumer group and no commits.
 * OUT_FILE gets one line per Kafka message:
 *   {"partition":0,"offset":17,"value":"<the message value, as a JSON string>"}
 * The value is kept exactly as pmacct produced it: with kafka_multi_values it holds several
 * newline-separated JSON objects.
 * Exit 0 when all messages were read, 2 on a timeout (default 60000 ms), 1 on bad usage.
 */

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class TopicDump {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: TopicDump BOOTSTRAP TOPIC OUT_FILE [TIMEOUT_MS]");
      System.exit(1);
    }
    long timeoutMs = args.length > 3 ? Long.parseLong(args[3]) : 60_000L;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    long deadline = System.currentTimeMillis() + timeoutMs;
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        BufferedWriter out = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
      List<PartitionInfo> infos = c.partitionsFor(args[1], Duration.ofMillis(timeoutMs));
      if (infos == null || infos.isEmpty()) {
        System.err.println("TopicDump: topic " + args[1] + " not found");
        System.exit(2);
      }
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : infos) parts.add(new TopicPartition(i.topic(), i.partition()));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (true) {
        boolean done = true;
        for (TopicPartition tp : parts) if (c.position(tp) < end.get(tp)) done = false;
        if (done) break;
        if (System.currentTimeMillis() > deadline) {
          System.err.println("TopicDump: timeout after " + count + " messages");
          System.exit(2);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) continue;
          String v = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
          out.write(
              "{\"partition\":"
                  + r.partition()
                  + ",\"offset\":"
                  + r.offset()
                  + ",\"value\":"
                  + quote(v)
                  + "}\n");
          count++;
        }
      }
    }
    System.err.println("TopicDump: " + count + " messages from " + args[1]);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
          else b.append(ch);
        }
      }
    }
    return b.append('"').toString();
  }
}
