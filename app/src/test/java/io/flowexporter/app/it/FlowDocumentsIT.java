package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flow documents end to end on a real KRaft broker, the exporter in a child process: the documents
 * topic (read with {@code isolation.level=read_committed}) and the flow log hold exactly the
 * counted records the filter selects, computed here from the input topic's fields (AS, protocol,
 * ports, addresses: each clause of the filter keeps records out that all the others let in, so the
 * exporter ignoring any clause fails the test); the log rotates into gzip files; across SIGKILLs
 * under load the topic still holds each event once and the log every event at least once, a
 * repeated event always the same document.
 */
class FlowDocumentsIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Long> OWN = Set.of(PmacctRecords.OWN, PmacctRecords.OWN_BIG);

  private static final Set<Integer> PORTS = Set.of(443, 8443);
  private static final List<String> NETS = List.of("198.51.100.0/24", "2001:db8:1::/48");

  /**
   * Received TCP traffic to or from port 443 or 8443, with an address in one of two networks: what
   * the filter of these tests selects, of {@link PmacctRecords#withVariedEndpoints} records.
   */
  private static final String FILTER =
      "dst_as=64500&dst_as=AS4200000001&proto=tcp&port=443&port=8443&net="
          + NETS.get(0)
          + "&net="
          + NETS.get(1);

  /**
   * The filter's clauses, as this test decides them from a record's own fields (not with the
   * exporter's code): a counted record is documented when all of them hold.
   */
  private static final Map<String, Predicate<JsonNode>> CLAUSES = new LinkedHashMap<>();

  static {
    CLAUSES.put("dst_as", n -> OWN.contains(n.path("as_dst").asLong()));
    CLAUSES.put(
        "proto",
        n -> {
          JsonNode p = n.path("ip_proto");
          return p.isTextual() ? p.asText().equals("tcp") : p.isIntegralNumber() && p.asInt() == 6;
        });
    CLAUSES.put(
        "port",
        n ->
            PORTS.contains(n.path("port_src").asInt())
                || PORTS.contains(n.path("port_dst").asInt()));
    CLAUSES.put("net", n -> inNets(n.path("ip_src").asText()) || inNets(n.path("ip_dst").asText()));
  }

  @Test
  void theTopicAndTheRotatedLogHoldExactlyTheSelectedRecords(@TempDir Path dir) throws Exception {
    String topic = "flows-docs";
    String docs = "flow-docs";
    Topics.create(broker.bootstrapServers(), topic, 3);
    Topics.create(broker.bootstrapServers(), docs, 2);
    PmacctRecords records = PmacctRecords.withVariedEndpoints(140);
    Topics.produce(broker.bootstrapServers(), topic, records, 3000);
    Path flowLog = dir.resolve("flows.json");
    String[] args =
        ExporterArgs.fromTheBeginning(
            broker.bootstrapServers(),
            topic,
            dir.resolve("state"),
            "it-docs",
            "--commit-interval",
            "300",
            "--flow-topic",
            docs,
            "--flow-log",
            flowLog.toString(),
            "--flow-filter",
            FILTER,
            "--flow-log-max-size",
            "64KB",
            "--flow-log-max-files",
            "20");
    Set<String> expected = selectedIds(topic);
    assertThat(expected).hasSizeGreaterThan(500);
    try (ExporterProcess exporter =
        ExporterProcess.start(dir.resolve("exporter.log"), Map.of(), args)) {
      awaitEachDocumentOnce(exporter, records, docs, expected);
      exporter.stopCleanly();
    }
    Map<String, List<String>> inLog = readLog(flowLog);
    assertThat(inLog.keySet()).isEqualTo(expected);
    assertThat(inLog.values()).allMatch(lines -> lines.size() == 1);
    try (Stream<Path> files = Files.list(dir)) {
      List<String> rotated =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.matches("flows\\.json\\.\\d+\\.gz"))
              .toList();
      assertThat(rotated).as("rotated files").isNotEmpty().hasSizeLessThanOrEqualTo(20);
    }
    for (List<String> lines : inLog.values()) {
      JsonNode doc = JSON.readTree(lines.get(0));
      assertThat(doc.path("network").path("direction").asText()).isEqualTo("inbound");
      // "tcp" and 6 in the records alike
      assertThat(doc.path("network").path("transport").asText()).isEqualTo("tcp");
      assertThat(doc.path("network").path("iana_number").asText()).isEqualTo("6");
      assertThat(doc.path("event").path("kind").asText()).isEqualTo("event");
    }
  }

  /**
   * A documents topic that takes 8 KiB messages (less than the producer's 16 KiB batches of
   * documents), and records with 20 KB of pmacct fields of their own: their documents, held below
   * the topic's limit, keep their ECS fields and are tagged; the producer's batches are made to
   * fit; none is refused by Kafka, so the counting goes on and every selected record is in the
   * topic once.
   */
  @Test
  void documentsStayBelowTheTopicsMaxMessageBytes(@TempDir Path dir) throws Exception {
    String topic = "flows-docs-small";
    String docs = "flow-docs-small";
    Topics.create(broker.bootstrapServers(), topic, 2);
    Topics.create(broker.bootstrapServers(), docs, 2, Map.of("max.message.bytes", "8192"));
    PmacctRecords records = PmacctRecords.withVariedEndpoints(142);
    Topics.produce(broker.bootstrapServers(), topic, records, 300);
    List<byte[]> padded = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String line =
          records
              .record()
              .replace("\"writer_id\"", "\"pad\": \"" + "x".repeat(20_000) + "\", \"writer_id\"");
      padded.add(line.getBytes(StandardCharsets.US_ASCII));
    }
    Topics.produceBytes(broker.bootstrapServers(), topic, padded);
    Topics.produce(broker.bootstrapServers(), topic, records, 300);
    String[] args =
        ExporterArgs.fromTheBeginning(
            broker.bootstrapServers(),
            topic,
            dir.resolve("state"),
            "it-docs-small",
            "--commit-interval",
            "300",
            "--flow-topic",
            docs,
            "--flow-filter",
            FILTER);
    Set<String> expected = selectedIds(topic);
    try (ExporterProcess exporter =
        ExporterProcess.start(dir.resolve("exporter.log"), Map.of(), args)) {
      awaitEachDocumentOnce(exporter, records, docs, expected);
      assertThat(exporter.log())
          .contains("held to 7168 bytes")
          .contains("batches are held to")
          .doesNotContain("splitting and retrying"); // batches the topic refused
      exporter.stopCleanly();
    }
    int tagged = 0;
    try (KafkaConsumer<String, String> c = consumer("read_committed")) {
      List<TopicPartition> parts = Topics.partitions(c, docs);
      c.assign(parts);
      c.seekToBeginning(parts);
      int read = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (read < expected.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
          read++;
          assertThat(r.value().length()).isLessThanOrEqualTo(7168);
          JsonNode d = JSON.readTree(r.value());
          if (d.path("tags").path(0).asText("").equals("pmacct_fields_too_large")) {
            tagged++;
            assertThat(d.path("pmacct").isEmpty()).isTrue();
            assertThat(d.path("network").path("bytes").asLong()).isPositive();
          }
        }
      }
    }
    long paddedSelected = padded.stream().filter(b -> selected(new String(b))).count();
    assertThat(paddedSelected).isPositive();
    assertThat(tagged).isEqualTo(paddedSelected);
  }

  @Test
  void aDocumentsTopicTooSmallForAnyDocumentStopsTheExporterNamingIt(@TempDir Path dir)
      throws Exception {
    String topic = "flows-docs-tiny";
    String docs = "flow-docs-tiny";
    Topics.create(broker.bootstrapServers(), topic, 1);
    Topics.create(broker.bootstrapServers(), docs, 1, Map.of("max.message.bytes", "2000"));
    String[] args =
        ExporterArgs.fromTheBeginning(
            broker.bootstrapServers(),
            topic,
            dir.resolve("state"),
            "it-docs-tiny",
            "--flow-topic",
            docs);
    try (ExporterProcess exporter =
        ExporterProcess.start(dir.resolve("exporter.log"), Map.of(), args)) {
      assertThat(exporter.waitFor(Duration.ofSeconds(60))).as(exporter.log()).isEqualTo(1);
      assertThat(exporter.log())
          .contains(
              "Flow documents need messages of 5120 bytes, but topic "
                  + docs
                  + " (--flow-topic) takes messages of at most 2000 bytes")
          .contains("--add-config max.message.bytes=1048588");
    }
  }

  @Test
  void acrossKillsTheTopicHoldsEachEventOnceAndTheLogEachAtLeastOnce(@TempDir Path dir)
      throws Exception {
    String topic = "flows-docs-crash";
    String docs = "flow-docs-crash";
    Topics.create(broker.bootstrapServers(), topic, 3);
    Topics.create(broker.bootstrapServers(), docs, 3);
    PmacctRecords records = PmacctRecords.withVariedEndpoints(141);
    int port = ExporterProcess.freePort();
    Path flowLog = dir.resolve("flows.json");
    String[] args =
        ExporterArgs.fromTheBeginning(
            broker.bootstrapServers(),
            topic,
            dir.resolve("state"),
            "it-docs-crash",
            "--addr",
            "127.0.0.1:" + port,
            "--commit-interval",
            "200",
            "--flow-topic",
            docs,
            "--flow-log",
            flowLog.toString(),
            "--flow-filter",
            FILTER,
            // Rotated every few seconds (about 2 MB of documents in all, up to 2.7 MB kept), so
            // that kills also come around rotations and compressions.
            "--flow-log-max-size",
            "128KB",
            "--flow-log-max-files",
            "20",
            "--kafka-property",
            "session.timeout.ms=6000",
            "--kafka-property",
            "heartbeat.interval.ms=1500");
    Path log = dir.resolve("exporter.log");
    SplittableRandom random = new SplittableRandom(14);
    List<Integer> kills = new ArrayList<>();
    try (SteadyProducer producer =
        SteadyProducer.start(
            broker.bootstrapServers(), topic, records, 300, Duration.ofSeconds(60))) {
      for (int kill = 0; kill < 4; kill++) {
        try (ExporterProcess exporter = ExporterProcess.startRaw(log, Map.of(), port, args)) {
          CrashIT.awaitReady(exporter);
          int ms = random.nextInt(3000);
          Thread.sleep(ms);
          assertThat(exporter.isAlive())
              .as("alive before the kill; log:\n" + exporter.log())
              .isTrue();
          exporter.kill9();
          kills.add(ms);
        }
      }
      try (ExporterProcess exporter = ExporterProcess.startRaw(log, Map.of(), port, args)) {
        CrashIT.awaitReady(exporter);
        producer.finish();
        ExporterIT.awaitTotals(exporter, records);
        Set<String> expected = selectedIds(topic);
        Map<String, Integer> inTopic = awaitTopic(docs, expected);
        exporter.stopCleanly();
        Map<String, List<String>> inLog = readLog(flowLog);
        List<String> cut = inLog.getOrDefault(NOT_JSON, List.of());
        assertThat(cut)
            .as("lines cut short, at most one per kill")
            .hasSizeLessThanOrEqualTo(kills.size());
        inLog.remove(NOT_JSON);
        long duplicates = inLog.values().stream().mapToInt(l -> l.size() - 1).sum();
        System.out.printf(
            "flow documents across kills %s ms after ready: %d messages, %d documents,"
                + " %d written again to the log, %d lines cut short%n",
            kills, producer.sent(), expected.size(), duplicates, cut.size());
        assertThat(inTopic.keySet()).isEqualTo(expected);
        assertThat(inTopic.entrySet())
            .filteredOn(e -> e.getValue() != 1)
            .as("events not exactly once in the topic")
            .isEmpty();
        assertThat(inLog.keySet()).as("events in the log").isEqualTo(expected);
        try (Stream<Path> files = Files.list(dir)) {
          assertThat(files.map(p -> p.getFileName().toString()))
              .as("rotated files")
              .anyMatch(n -> n.matches("flows\\.json\\.\\d+\\.gz"));
        }
        for (Map.Entry<String, List<String>> e : inLog.entrySet()) {
          assertThat(new HashSet<>(e.getValue())).as("copies of %s", e.getKey()).hasSize(1);
        }
      }
    }
  }

  /**
   * The event ids of the records the exporter must document, from the input topic itself: lines
   * pmacct's kafka plugin would write as traffic ({@code event_type} purge) that are counted and
   * that every one of {@link #CLAUSES} selects, as {@code topic:partition:offset:line}. Checks that
   * the topic's records make each clause count: for each, records that it alone keeps out (which an
   * exporter ignoring it would document), and records that {@code port} and {@code net} select by
   * the source only and by the destination only.
   */
  private static Set<String> selectedIds(String topic) throws IOException {
    Set<String> ids = new HashSet<>();
    Map<String, Integer> keptOutByItAlone = new TreeMap<>();
    Map<String, Integer> bySideOnly = new TreeMap<>();
    int countedRecords = 0;
    try (KafkaConsumer<String, String> c = consumer("read_uncommitted")) {
      List<TopicPartition> parts = Topics.partitions(c, topic);
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          String[] lines = r.value().split("\n", -1);
          for (int i = 0; i < lines.length; i++) {
            JsonNode n = counted(lines[i]);
            if (n == null) {
              continue;
            }
            countedRecords++;
            List<String> failing =
                CLAUSES.entrySet().stream()
                    .filter(clause -> !clause.getValue().test(n))
                    .map(Map.Entry::getKey)
                    .toList();
            if (failing.isEmpty()) {
              ids.add(topic + ":" + r.partition() + ":" + r.offset() + ":" + i);
              for (String side : selectedBySideOnly(n)) {
                bySideOnly.merge(side, 1, Integer::sum);
              }
            } else if (failing.size() == 1) {
              keptOutByItAlone.merge(failing.get(0), 1, Integer::sum);
            }
          }
        }
      }
    }
    System.out.printf(
        "%s: %d of %d counted records selected; kept out by one clause alone: %s;"
            + " selected by one side only: %s%n",
        topic, ids.size(), countedRecords, keptOutByItAlone, bySideOnly);
    assertThat(keptOutByItAlone.keySet())
        .as("clauses that alone keep records out")
        .containsExactlyInAnyOrderElementsOf(CLAUSES.keySet());
    assertThat(bySideOnly.keySet())
        .as("clauses that select records by one side only")
        .containsExactlyInAnyOrder(
            "net:destination", "net:source", "port:destination", "port:source");
    return ids;
  }

  /** Whether the exporter must document this line: counted, and every clause holds. */
  private static boolean selected(String line) {
    JsonNode n = counted(line);
    return n != null && CLAUSES.values().stream().allMatch(c -> c.test(n));
  }

  /** The line as JSON if the exporter counts it (traffic, one side ours), else null. */
  private static JsonNode counted(String line) {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (IOException e) {
      return null;
    }
    boolean counted =
        n != null
            && "purge".equals(n.path("event_type").asText())
            && n.path("as_src").isNumber()
            && (OWN.contains(n.path("as_src").asLong()) || OWN.contains(n.path("as_dst").asLong()));
    return counted ? n : null;
  }

  /** "port:source" when only the source port selects the record, and so on. */
  private static List<String> selectedBySideOnly(JsonNode n) {
    List<String> out = new ArrayList<>();
    boolean srcPort = PORTS.contains(n.path("port_src").asInt());
    boolean dstPort = PORTS.contains(n.path("port_dst").asInt());
    boolean srcNet = inNets(n.path("ip_src").asText());
    boolean dstNet = inNets(n.path("ip_dst").asText());
    if (srcPort != dstPort) {
      out.add(srcPort ? "port:source" : "port:destination");
    }
    if (srcNet != dstNet) {
      out.add(srcNet ? "net:source" : "net:destination");
    }
    return out;
  }

  /** Whether an address literal lies in one of {@link #NETS}. */
  private static boolean inNets(String ip) {
    if (!ip.matches("[0-9a-fA-F:.]+")) {
      return false; // not a literal: never resolved by name
    }
    try {
      byte[] address = InetAddress.getByName(ip).getAddress();
      for (String cidr : NETS) {
        int slash = cidr.indexOf('/');
        byte[] net = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        if (net.length == address.length
            && new BigInteger(1, net)
                .shiftRight(net.length * 8 - bits)
                .equals(new BigInteger(1, address).shiftRight(address.length * 8 - bits))) {
          return true;
        }
      }
      return false;
    } catch (UnknownHostException e) {
      throw new AssertionError(ip, e);
    }
  }

  /** Waits for exact totals, then for the documents topic to hold each expected id once. */
  private static void awaitEachDocumentOnce(
      ExporterProcess exporter, PmacctRecords records, String docs, Set<String> expected) {
    ExporterIT.awaitTotals(exporter, records);
    Map<String, Integer> inTopic = awaitTopic(docs, expected);
    assertThat(inTopic.keySet()).isEqualTo(expected);
    assertThat(inTopic.values()).allMatch(n -> n == 1);
  }

  /** Reads the documents topic as read_committed until it holds every expected id: id to copies. */
  private static Map<String, Integer> awaitTopic(String topic, Set<String> expected) {
    Map<String, Integer> seen = new HashMap<>();
    try (KafkaConsumer<String, String> c = consumer("read_committed")) {
      List<TopicPartition> parts = Topics.partitions(c, topic);
      c.assign(parts);
      c.seekToBeginning(parts);
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
              assertThat(eventId(r.value())).isEqualTo(r.key());
              seen.merge(r.key(), 1, Integer::sum);
            }
            return seen.keySet().containsAll(expected);
          },
          () ->
              "documents missing from the topic: "
                  + expected.stream().filter(id -> !seen.containsKey(id)).limit(10).toList());
      // Anything more (a copy, a stray document) would arrive with the rest: one more read.
      for (ConsumerRecord<String, String> r : c.poll(Duration.ofSeconds(2))) {
        seen.merge(r.key(), 1, Integer::sum);
      }
    }
    return seen;
  }

  /** The flow log and its rotated gzip files: event id to every line that carries it. */
  private static Map<String, List<String>> readLog(Path file) throws IOException {
    Map<String, List<String>> out = new HashMap<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> all = Files.list(file.getParent())) {
      all.filter(p -> p.getFileName().toString().startsWith(file.getFileName().toString()))
          .forEach(files::add);
    }
    for (Path p : files) {
      InputStream in = Files.newInputStream(p);
      if (p.toString().endsWith(".gz")) {
        in = new GZIPInputStream(in);
      }
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String id = eventIdOrNull(line);
          out.computeIfAbsent(id == null ? NOT_JSON : id, k -> new ArrayList<>()).add(line);
        }
      }
    }
    return out;
  }

  /** Where {@link #readLog} puts lines that are not JSON: a write cut short by a kill. */
  private static final String NOT_JSON = "(not JSON)";

  private static String eventIdOrNull(String line) {
    try {
      return JSON.readTree(line).path("event").path("id").asText();
    } catch (IOException e) {
      return null;
    }
  }

  private static String eventId(String document) {
    try {
      return JSON.readTree(document).path("event").path("id").asText();
    } catch (IOException e) {
      throw new AssertionError("not a JSON document: " + document, e);
    }
  }

  private static KafkaConsumer<String, String> consumer(String isolation) {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    p.put("isolation.level", isolation);
    p.put("enable.auto.commit", "false");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }
}
