package io.flowexporter.app.it;

import io.flowexporter.generator.FreshTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topic creation and producing for the integration tests. */
public final class Topics {

  private Topics() {}

  public static void create(String brokers, String topic, int partitions) throws Exception {
    create(brokers, topic, partitions, Map.of());
  }

  /** An admin client of the test's broker. */
  public static Admin admin(String brokers) {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    return Admin.create(p);
  }

  /** Creates a topic with topic-level configuration, e.g. {@code max.message.bytes}. */
  public static void create(
      String brokers, String topic, int partitions, Map<String, String> configs) throws Exception {
    try (Admin admin = admin(brokers)) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
          .all()
          .get();
      FreshTopics.awaitLeaders(admin, topic, partitions);
    }
  }

  /**
   * Sends message values as they are (any bytes, up to 4 MiB each), round-robin over partitions,
   * and waits for every ack.
   */
  public static void produceBytes(String brokers, String topic, Iterable<byte[]> values)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"); // see producer()
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 << 20));
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            p,
            new org.apache.kafka.common.serialization.ByteArraySerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      int i = 0;
      for (byte[] value : values) {
        acks.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    Integer.toString(i++).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    value)));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
  }

  public static KafkaProducer<String, String> producer(String brokers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // One request in flight as well as Topics.create's wait: the tests produce into topics
    // created a moment before, where a broker that accepts a second request before it serves the
    // partition makes the first one's records lost (KAFKA-15591).
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /**
   * Sends {@code count} messages from the generator, spread over partitions, and waits for every
   * ack: a send that failed fails the test here, not later as a mysteriously short total.
   */
  public static void produce(String brokers, String topic, PmacctRecords records, int count)
      throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>(count);
    try (KafkaProducer<String, String> producer = producer(brokers)) {
      for (int i = 0; i < count; i++) {
        acks.add(
            producer.send(new ProducerRecord<>(topic, Integer.toString(i), records.nextMessage())));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
  }

  /**
   * For each partition of {@code topic}: the offsets that consumer group {@code group} has not
   * committed, as {@code [committed offset (or the earliest offset if none), log end offset)}.
   */
  public static Map<Integer, long[]> uncommitted(String brokers, String group, String topic)
      throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    try (Admin admin = Admin.create(p)) {
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> latest =
          new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
      Map<TopicPartition, OffsetSpec> earliest =
          new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
      for (int i = 0; i < partitions; i++) {
        latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
        earliest.put(new TopicPartition(topic, i), OffsetSpec.earliest());
      }
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
      Map<TopicPartition, ListOffsetsResultInfo> starts = admin.listOffsets(earliest).all().get();
      Map<Integer, long[]> out = new TreeMap<>();
      for (TopicPartition tp : latest.keySet()) {
        OffsetAndMetadata c = committed.get(tp);
        out.put(
            tp.partition(),
            new long[] {c != null ? c.offset() : starts.get(tp).offset(), ends.get(tp).offset()});
      }
      return out;
    }
  }

  /**
   * The AS-family deltas of the exporter's repartition topic in {@code [from, to)} of each
   * partition, decoded from their documented format (docs/architecture.md, DeltaBatch): a format
   * byte, then per series a 2-byte key length, the key (family, direction, source and destination
   * AS, 2-byte hostname length, hostname) and bytes, packets and flows.
   */
  public static Traffic deltas(String brokers, String topic, Map<Integer, long[]> ranges) {
    Traffic t = new Traffic();
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> c =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(
            p,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      for (Map.Entry<Integer, long[]> r : ranges.entrySet()) {
        TopicPartition tp = new TopicPartition(topic, r.getKey());
        c.assign(List.of(tp));
        c.seek(tp, r.getValue()[0]);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (c.position(tp) < r.getValue()[1] && System.nanoTime() < deadline) {
          for (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> rec :
              c.poll(java.time.Duration.ofMillis(200))) {
            if (rec.offset() < r.getValue()[1] && rec.value() != null) {
              java.nio.ByteBuffer in =
                  java.nio.ByteBuffer.wrap(rec.value(), 1, rec.value().length - 1);
              while (in.hasRemaining()) {
                int length = in.getShort() & 0xffff;
                byte[] key = new byte[length];
                in.get(key);
                long bytes = in.getLong();
                long packets = in.getLong();
                in.getLong();
                if (key[0] == 0 && key.length > 2) {
                  java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(key, 2, key.length - 2);
                  long src = Integer.toUnsignedLong(k.getInt());
                  long dst = Integer.toUnsignedLong(k.getInt());
                  int hostLength = k.getShort() & 0xffff;
                  String host =
                      new String(
                          key, k.position(), hostLength, java.nio.charset.StandardCharsets.UTF_8);
                  t.add((key[1] & 1) == 0 ? "receive" : "transmit", host, src, dst, bytes, packets);
                }
              }
            }
          }
        }
      }
    }
    return t;
  }

  /** Every partition of {@code topic}, as the consumer's metadata has them. */
  public static List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(info -> new TopicPartition(topic, info.partition()))
        .toList();
  }
}
