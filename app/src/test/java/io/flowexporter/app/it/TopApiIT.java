package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@code /api/v1/top} end to end on a real KRaft broker, the exporter in a child process: records
 * of known peers, routers, ports and countries in; the committed totals of every peer AS, router
 * and port per direction exactly as computed here from the input, ranked, with rates once two
 * samples were taken; a family the instance does not count is a 400 naming it. A second exporter,
 * started without a country database, answers the country family with the exact totals of each
 * remote side's country (and its English name).
 */
class TopApiIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  private static final long[] PEERS = {15169, 13335, 2906, 32934};
  private static final String[] HOSTS = {"edge1", "edge2", "edge3"};

  /** Remote sides' countries; the own side is always FR, and must never be counted. */
  private static final String[] COUNTRIES = {"US", "DE", "JP"};

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "flows-top";

  /** Expected bytes per family and direction, then entity (as on the answer's label). */
  private final Map<String, Map<String, Long>> expected = new TreeMap<>();

  /** Like {@link #expected}, each entity's packets and flows (a record is one flow). */
  private final Map<String, Map<String, List<Long>>> expectedCounts = new TreeMap<>();

  @Test
  void topAnswersTheExactCommittedTotalsOfEachPeerRouterPortAndCountry(@TempDir Path dir)
      throws Exception {
    Topics.create(broker.bootstrapServers(), TOPIC, 3);
    produce(TOPIC, 1500, new SplittableRandom(16));
    HttpClient http = HttpClient.newHttpClient();

    try (ExporterProcess exporter = start(dir, "top", "--port", "443")) {
      awaitTotals(http, exporter, List.of("as", "router", "port"));

      // Ranked by rate, then by total: with no traffic any more, the totals decide.
      Await.until(
          Duration.ofSeconds(30),
          () -> {
            JsonNode answer = get(http, exporter.metricsPort(), "as", "receive");
            return answer != null
                && !answer.path("total").path("bits_per_second").isNull()
                && answer.path("total").path("bits_per_second").asDouble() == 0;
          },
          exporter::log);
      JsonNode top = get(http, exporter.metricsPort(), "as", "receive");
      List<Long> ranked = new ArrayList<>();
      top.path("top").forEach(row -> ranked.add(row.path("bytes").asLong()));
      assertThat(ranked).isSortedAccordingTo((a, b) -> Long.compare(b, a));
      assertThat(top.path("total").path("bytes").asLong())
          .isEqualTo(expected.get("as receive").values().stream().mapToLong(Long::longValue).sum());
      assertThat(top.path("top").get(0).path("name").isTextual()).isTrue();
      assertThat(top.path("top").get(0).path("history").size()).isPositive();

      exporter.stopCleanly();
    }

    // The same records, counted by the remote side's country from pmacct's fields.
    try (ExporterProcess exporter = start(dir, "top-countries")) {
      awaitTotals(http, exporter, List.of("country"));
      HttpResponse<String> notCounted =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + exporter.metricsPort()
                              + "/api/v1/top?family=port&direction=receive"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(notCounted.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(notCounted.body()).path("error").path("parameter").asText())
          .isEqualTo("family");
      Map<String, String> names = new TreeMap<>();
      get(http, exporter.metricsPort(), "country", "receive")
          .path("top")
          .forEach(row -> names.put(row.path("country").asText(), row.path("name").asText()));
      assertThat(names)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("US", "United States", "DE", "Germany", "JP", "Japan"));
      exporter.stopCleanly();
    }
  }

  /** An exporter reading the topic from its beginning, under an application id of its own. */
  private static ExporterProcess start(Path dir, String name, String... more) {
    List<String> args = new ArrayList<>(List.of("--commit-interval", "300"));
    args.addAll(List.of(more));
    return ExporterProcess.start(
        dir.resolve(name + ".log"),
        Map.of(),
        ExporterArgs.fromTheBeginning(
            broker.bootstrapServers(),
            TOPIC,
            dir.resolve("state-" + name),
            "it-" + name,
            args.toArray(String[]::new)));
  }

  /** Waits until the exporter's answers for these families, both directions, are the expected. */
  private void awaitTotals(HttpClient http, ExporterProcess exporter, List<String> families) {
    Map<String, Map<String, Long>> want = new TreeMap<>(expected);
    want.keySet().removeIf(group -> !families.contains(group.split(" ")[0]));
    Map<String, Map<String, List<Long>>> wantCounts = new TreeMap<>(expectedCounts);
    wantCounts.keySet().removeIf(group -> !families.contains(group.split(" ")[0]));
    Map<String, Map<String, Long>> last = new TreeMap<>();
    Map<String, Map<String, List<Long>>> lastCounts = new TreeMap<>();
    Await.until(
        Duration.ofSeconds(120),
        () -> {
          if (!exporter.isAlive()) {
            throw new AssertionError("exporter exited early:\n" + exporter.log());
          }
          last.clear();
          lastCounts.clear();
          for (String family : families) {
            for (String direction : new String[] {"receive", "transmit"}) {
              JsonNode answer = get(http, exporter.metricsPort(), family, direction);
              if (answer == null) {
                return false;
              }
              Map<String, Long> bytes = new HashMap<>();
              Map<String, List<Long>> counts = new HashMap<>();
              answer
                  .path("top")
                  .forEach(
                      row -> {
                        bytes.put(labelOf(family, row), row.path("bytes").asLong());
                        counts.put(
                            labelOf(family, row),
                            List.of(row.path("packets").asLong(), row.path("flows").asLong()));
                      });
              last.put(family + " " + direction, bytes);
              lastCounts.put(family + " " + direction, counts);
            }
          }
          return want.equals(last) && wantCounts.equals(lastCounts);
        },
        () ->
            "expected "
                + want
                + " "
                + wantCounts
                + "\nlast answers "
                + last
                + " "
                + lastCounts
                + "\nlog:\n"
                + exporter.log());
  }

  private static JsonNode get(HttpClient http, int port, String family, String direction) {
    return TopAnswers.get(http, port, "family=" + family + "&direction=" + direction + "&n=1000");
  }

  private static String labelOf(String family, JsonNode row) {
    return switch (family) {
      case "as" -> row.path("as").asText();
      case "router" -> row.path("hostname").asText();
      case "country" -> row.path("country").asText();
      default -> row.path("port").asText() + "/" + row.path("protocol").asText();
    };
  }

  private void produce(String topic, int messages, SplittableRandom random) throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<String, String> producer = Topics.producer(broker.bootstrapServers())) {
      for (int m = 0; m < messages; m++) {
        acks.add(producer.send(new ProducerRecord<>(topic, Integer.toString(m), record(random))));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
  }

  private String record(SplittableRandom random) {
    boolean receive = random.nextBoolean();
    long peer = PEERS[random.nextInt(PEERS.length)];
    long src = receive ? peer : 64500;
    long dst = receive ? 64500 : peer;
    String host = HOSTS[random.nextInt(HOSTS.length)];
    int port = random.nextInt(3) == 0 ? 443 : 8080;
    long packets = 1 + random.nextInt(40);
    long bytes = packets * (40 + random.nextInt(1460));
    long sampling = random.nextInt(4) == 0 ? 10 : 1;
    String remote = COUNTRIES[random.nextInt(COUNTRIES.length)];
    String direction = receive ? "receive" : "transmit";
    add("as " + direction, Long.toString(peer), bytes * sampling, packets * sampling);
    add("country " + direction, remote, bytes * sampling, packets * sampling);
    add("router " + direction, host, bytes * sampling, packets * sampling);
    if (port == 443) {
      add("port " + direction, "443/tcp", bytes * sampling, packets * sampling);
    }
    return "{\"event_type\": \"purge\", \"label\": \""
        + host
        + "\", \"as_src\": "
        + src
        + ", \"as_dst\": "
        + dst
        + ", \"country_ip_src\": \""
        + (receive ? remote : "FR")
        + "\", \"country_ip_dst\": \""
        + (receive ? "FR" : remote)
        + "\", \"ip_src\": \"198.51.100.1\", \"ip_dst\": \"203.0.113.9\", \"port_src\": 51000, \"port_dst\": "
        + port
        + ", \"ip_proto\": \"tcp\""
        + (sampling > 1 ? ", \"sampling_rate\": " + sampling : "")
        + ", \"packets\": "
        + packets
        + ", \"bytes\": "
        + bytes
        + "}";
  }

  private void add(String group, String entity, long bytes, long packets) {
    expected.computeIfAbsent(group, k -> new HashMap<>()).merge(entity, bytes, Long::sum);
    expectedCounts
        .computeIfAbsent(group, k -> new HashMap<>())
        .merge(
            entity,
            List.of(packets, 1L),
            (a, b) -> List.of(a.get(0) + b.get(0), a.get(1) + b.get(1)));
  }
}
