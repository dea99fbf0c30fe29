package io.flowexporter.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.generator.Acks;
import io.flowexporter.generator.FlowGenerator;
import io.flowexporter.generator.FreshTopics;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.FlowClassifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark's data set, made with the project's own {@link FlowGenerator}: nfacctd-shaped
 * records from a few routers, synthetic peer ASes without prefixes (so records carry AS numbers, no
 * AS-from-IP lookups) drawn with the generator's skewed spread, 60% receive / 40% transmit.
 */
final class BenchData {

  static final long OWN_ASN = 64500;

  private BenchData() {}

  /** A generator over {@code peers} synthetic peer ASes; deterministic for a seed. */
  static FlowGenerator generator(int peers, int routers, long seed) {
    List<FlowGenerator.Peer> list = new ArrayList<>(peers);
    for (int i = 0; i < peers; i++) {
      // A mix of 16-bit and 32-bit AS numbers, as on a real edge.
      long asn = i % 4 == 3 ? 4_200_000_000L + i : 1_000L + 7L * i;
      list.add(new FlowGenerator.Peer(asn, "Peer " + i, List.of()));
    }
    return new FlowGenerator(
        new FlowGenerator.Options(OWN_ASN, "192.0.2.0/24", routers, 0.6, 0.0, 0.0, seed), list);
  }

  /** The classifier the exporter uses for this data: {@link #OWN_ASN} is the operator's AS. */
  static FlowClassifier classifier() {
    return new FlowClassifier(List.of(OWN_ASN), AsnFromIp.AUTO, 1, AsnLookup.EMPTY);
  }

  /**
   * What the exporter must show after counting the data: bytes and packets per series, keyed {@code
   * direction|hostname|source_as|destination_as}. Computed from the JSON with Jackson's tree model,
   * independently of the exporter's parser and classifier.
   */
  static final class Expected {
    final Map<String, long[]> series = new HashMap<>();
    long records;
    long valueBytes;
    private final ObjectMapper json = new ObjectMapper();

    void add(String record) throws Exception {
      JsonNode n = json.readTree(record);
      long src = n.get("as_src").asLong();
      String direction = src == OWN_ASN ? "transmit" : "receive";
      String key =
          direction + "|" + n.get("label").asText() + "|" + src + "|" + n.get("as_dst").asLong();
      long[] t = series.computeIfAbsent(key, k -> new long[2]);
      t[0] += n.get("bytes").asLong();
      t[1] += n.get("packets").asLong();
      records++;
      valueBytes += record.length();
    }
  }

  static void createTopic(String brokers, String topic, int partitions) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
      FreshTopics.awaitLeaders(admin, topic, partitions);
    }
  }

  /**
   * Produces {@code count} records, {@code lines} to a message, lz4-compressed in batches of up to
   * 64 KiB, without keys (the producer spreads batches over the partitions), and waits for every
   * ack.
   */
  static Expected load(String brokers, String topic, long count, int lines, FlowGenerator generator)
      throws Exception {
    Expected expected = new Expected();
    produce(brokers, topic, count, lines, generator, expected);
    return expected;
  }

  /**
   * One message of {@code records}: a record alone is the message, as pmacct writes it; several are
   * one per line, each followed by a newline, the last one too, as pmacct's {@code
   * kafka_multi_values} writes them.
   */
  static String message(List<String> records) {
    if (records.size() == 1) {
      return records.get(0);
    }
    StringBuilder message = new StringBuilder();
    records.forEach(r -> message.append(r).append('\n'));
    return message.toString();
  }

  /**
   * Produces {@code count} more records, {@code lines} to a {@linkplain #message(List) message},
   * adding them to {@code expected}.
   */
  static void produce(
      String brokers,
      String topic,
      long count,
      int lines,
      FlowGenerator generator,
      Expected expected)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    Acks acks = new Acks();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<String> records = new ArrayList<>(lines);
      for (long sent = 0; sent < count; sent += lines) {
        records.clear();
        for (long k = 0; k < lines && sent + k < count; k++) {
          String record = generator.next();
          expected.add(record);
          records.add(record);
        }
        String message = message(records);
        producer.send(
            new ProducerRecord<>(topic, message), (metadata, error) -> acks.completed(error));
      }
      producer.flush();
    }
    if (acks.failed() > 0) {
      throw new IllegalStateException(
          acks.failed() + " benchmark records were not written", acks.firstError());
    }
  }
}
