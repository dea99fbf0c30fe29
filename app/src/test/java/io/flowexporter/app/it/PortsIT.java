package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The port family end to end on a real KRaft broker, the exporter in a child process: records with
 * ports, protocols (as names and as numbers), flows and sampling in; on /metrics, every {@code
 * flow_port_*} series exactly as computed here from the input; without {@code --port}, no such
 * series at all.
 */
class PortsIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  private static final Set<Integer> CHOSEN = Set.of(443, 53, 5432);
  private static final int[] PORTS = {443, 53, 5432, 80, 8080, 51514, 0};
  private static final String[] HOSTS = {"edge1", "edge2"};
  private static final String[] PORT_METRICS = {
    "flow_port_receive_bytes_total", "flow_port_transmit_bytes_total",
    "flow_port_receive_packets_total", "flow_port_transmit_packets_total",
    "flow_port_receive_flows_total", "flow_port_transmit_flows_total"
  };

  /** Port series expected on /metrics: metric name, then labels, to value. */
  private final Map<String, Map<Map<String, String>, Double>> expected = new HashMap<>();

  private long counted;

  /** Bytes of every counted record, sampling applied: the sum of the AS family's byte series. */
  private long asBytes;

  @Test
  void countsExactPortTotalsAndNoPortSeriesWithoutThePortFlag(@TempDir Path dir) throws Exception {
    String topic = "flows-ports";
    Topics.create(broker.bootstrapServers(), topic, 3);
    produce(topic, 2000, new SplittableRandom(14));

    String[] common = {
      "--brokers",
      broker.bootstrapServers(),
      "--topic",
      topic,
      "--asn",
      "64500",
      "--from-beginning",
      "--commit-interval",
      "300"
    };
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("ports.log"),
            Map.of(),
            concat(
                common,
                "--state-dir",
                dir.resolve("state-ports").toString(),
                "--application-id",
                "it-ports",
                "--port",
                "443,53",
                "--port",
                "5432"))) {
      java.util.concurrent.atomic.AtomicReference<Map<String, Map<Map<String, String>, Double>>>
          last = new java.util.concurrent.atomic.AtomicReference<>();
      Await.until(
          Duration.ofSeconds(120),
          () -> {
            if (!exporter.isAlive()) {
              throw new AssertionError("exporter exited early:\n" + exporter.log());
            }
            Scrape s = Scrape.of(exporter.metricsPort());
            last.set(s == null ? null : portSeries(s));
            return expected.equals(last.get());
          },
          () ->
              "expected " + expected + "\nlast scrape " + last.get() + "\nlog:\n" + exporter.log());
      Scrape s = Scrape.of(exporter.metricsPort());
      assertThat(s.value("flow_exporter_records_total{outcome=\"counted\"}")).isEqualTo(counted);
      assertThat(s.value("flow_exporter_series{family=\"port\"}")).isPositive();
      exporter.stopCleanly();
    }

    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("plain.log"),
            Map.of(),
            concat(
                common,
                "--state-dir",
                dir.resolve("state-plain").toString(),
                "--application-id",
                "it-no-ports"))) {
      Await.until(
          Duration.ofSeconds(120),
          () -> {
            Scrape s = Scrape.of(exporter.metricsPort());
            return s != null
                && sum(s, "flow_receive_bytes_total") + sum(s, "flow_transmit_bytes_total")
                    == asBytes;
          },
          exporter::log);
      Scrape s = Scrape.of(exporter.metricsPort());
      assertThat(s.series().keySet())
          .noneMatch(k -> k.startsWith("flow_port_") || k.contains("family=\"port\""));
      assertThat(s.value("flow_exporter_records_total{outcome=\"counted\"}")).isEqualTo(counted);
      exporter.stopCleanly();
    }
  }

  /**
   * Produces {@code messages} messages of one to three records and adds what they count to {@link
   * #expected}.
   */
  private void produce(String topic, int messages, SplittableRandom random) throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<String, String> producer = Topics.producer(broker.bootstrapServers())) {
      for (int m = 0; m < messages; m++) {
        List<String> lines = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
          lines.add(record(random));
        }
        acks.add(
            producer.send(
                new ProducerRecord<>(topic, Integer.toString(m), String.join("\n", lines))));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
  }

  private String record(SplittableRandom random) {
    boolean receive = random.nextBoolean();
    boolean ours = random.nextInt(10) > 0;
    long peer = 15169;
    long src = !ours ? 13335 : receive ? peer : 64500;
    long dst = !ours ? 2906 : receive ? 64500 : peer;
    int portSrc = PORTS[random.nextInt(PORTS.length)];
    int portDst = PORTS[random.nextInt(PORTS.length)];
    boolean udp = random.nextBoolean();
    String proto =
        switch (random.nextInt(3)) {
          case 0 -> udp ? "\"udp\"" : "\"tcp\"";
          case 1 -> udp ? "17" : "6";
          default -> udp ? "\"17\"" : "\"6\"";
        };
    String host = HOSTS[random.nextInt(HOSTS.length)];
    long packets = 1 + random.nextInt(40);
    long bytes = packets * (40 + random.nextInt(1460));
    long sampling = random.nextInt(4) == 0 ? 100 : 0;
    Long flows = random.nextInt(3) == 0 ? null : (long) random.nextInt(6);
    if (ours) {
      counted++;
      long factor = sampling > 0 ? sampling : 1;
      asBytes += bytes * factor;
      String direction = receive ? "receive" : "transmit";
      for (int port : portSrc == portDst ? new int[] {portSrc} : new int[] {portSrc, portDst}) {
        if (CHOSEN.contains(port)) {
          Map<String, String> labels =
              Map.of(
                  "port",
                  Integer.toString(port),
                  "protocol",
                  udp ? "udp" : "tcp",
                  "hostname",
                  host);
          add("flow_port_" + direction + "_bytes_total", labels, bytes * factor);
          add("flow_port_" + direction + "_packets_total", labels, packets * factor);
          add("flow_port_" + direction + "_flows_total", labels, flows == null ? 1 : flows);
        }
      }
    }
    return "{\"event_type\": \"purge\", \"label\": \""
        + host
        + "\", \"as_src\": "
        + src
        + ", \"as_dst\": "
        + dst
        + ", \"ip_src\": \"198.51.100.1\", \"ip_dst\": \"203.0.113.9\", \"port_src\": "
        + portSrc
        + ", \"port_dst\": "
        + portDst
        + ", \"ip_proto\": "
        + proto
        + (flows == null ? "" : ", \"flows\": " + flows)
        + (sampling > 0 ? ", \"sampling_rate\": " + sampling : "")
        + ", \"packets\": "
        + packets
        + ", \"bytes\": "
        + bytes
        + "}";
  }

  private void add(String metric, Map<String, String> labels, long amount) {
    expected
        .computeIfAbsent(metric, k -> new HashMap<>())
        .merge(new TreeMap<>(labels), (double) amount, Double::sum);
  }

  /** The port families of a scrape, in the form of {@link #expected}; absent families left out. */
  private static Map<String, Map<Map<String, String>, Double>> portSeries(Scrape s) {
    Map<String, Map<Map<String, String>, Double>> out = new HashMap<>();
    for (String metric : PORT_METRICS) {
      Map<Map<String, String>, Double> family = s.family(metric);
      if (!family.isEmpty()) {
        out.put(metric, family);
      }
    }
    return out;
  }

  private static double sum(Scrape s, String metric) {
    return s.family(metric).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
