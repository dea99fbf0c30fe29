package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter on a broker that speaks SASL_SSL only (SCRAM-SHA-512, a private CA, ACLs), its Kafka
 * settings in a {@code --kafka-config} file as an operator writes them: exact totals on /metrics,
 * each counted record's flow document once in the documents topic (whose settings the exporter may
 * not read), and the flow API's search and tap answer the matching flows over the same broker.
 */
class SaslSslIT {

  private static final String USER = "exporter";
  private static final String PASSWORD = "exporter-secret-1";
  private static final String TOKEN = "s3cret-token-of-alice-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension static final SaslSslBroker broker = new SaslSslBroker(Map.of(USER, PASSWORD));

  @Test
  void countsExactlyAndServesTheFlowApiOverSaslSsl(@TempDir Path dir) throws Exception {
    String topic = "sasl-flows";
    String app = "it-sasl";
    String docs = "sasl-flow-documents";
    broker.createTopic(topic, 2);
    broker.createTopic(docs, 2);
    // What docs/running.md asks for on --flow-topic, less DescribeConfigs: the exporter cannot
    // read the topic's max.message.bytes, says so, and writes its documents all the same.
    broker.allow(
        USER,
        ResourceType.TOPIC,
        docs,
        PatternType.LITERAL,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    broker.allow(
        USER,
        ResourceType.TOPIC,
        topic,
        PatternType.LITERAL,
        AclOperation.READ,
        AclOperation.DESCRIBE);
    broker.allowStreamsApplication(USER, app);
    PmacctRecords records = new PmacctRecords(11);
    broker.produce(topic, records, 500);
    Path tokens = Files.writeString(dir.resolve("tokens"), "alice:" + TOKEN + "\n");
    try (ExporterProcess exporter =
        broker.startExporter(
            dir,
            broker.bootstrapServers(),
            topic,
            app,
            broker.broker().clientProperties(USER),
            "--api-token-file",
            tokens.toString(),
            "--flow-topic",
            docs)) {
      Scrape s = ExporterIT.awaitTotals(exporter, records);
      assertThat(s.value("flow_exporter_records_total{outcome=\"counted\"}"))
          .isEqualTo(records.counted);
      assertThat(s.value("flow_exporter_records_total{outcome=\"invalid\"}"))
          .isEqualTo(records.invalid);
      assertThat(Scrape.status(exporter.metricsPort(), "/readyz")).isEqualTo(200);
      List<String> documents = broker.readCommitted(docs, (int) records.counted);
      assertThat(documents.stream().map(d -> Answer.eventId(d)).distinct().count())
          .isEqualTo(records.counted)
          .isEqualTo(documents.size());
      assertThat(exporter.ownLog())
          .contains("Could not read topic " + docs + "'s max.message.bytes")
          .contains("grant DescribeConfigs on the topic");

      // search: the past records with one source address, exactly those
      List<String> past = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        past.add(flow("192.0.2." + (i % 2 == 0 ? 7 : 8), i));
      }
      broker.produce(topic, past);
      Answer search =
          Answer.of(
              get(exporter, "/api/v1/flows/search?ip=192.0.2.7&from=-15m&limit=100&timeout=30s")
                  .body());
      assertThat(search.flows())
          .hasSize(4)
          .allSatisfy(f -> assertThat(f.at("/source/ip").asText()).isEqualTo("192.0.2.7"));
      assertThat(search.end().get("reason").asText()).isEqualTo("range");

      // tap: what arrives after the request, stopping at the limit
      CompletableFuture<HttpResponse<Stream<String>>> tap =
          HTTP.sendAsync(
              request(exporter, "/api/v1/flows/tap?ip=192.0.2.9&limit=3&timeout=60s").build(),
              HttpResponse.BodyHandlers.ofLines());
      HttpResponse<Stream<String>> response = tap.get(60, TimeUnit.SECONDS); // headers: positioned
      assertThat(response.statusCode()).isEqualTo(200);
      List<String> live = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        live.add(flow(i % 2 == 0 ? "192.0.2.9" : "192.0.2.10", 100 + i));
      }
      broker.produce(topic, live);
      Answer tapped = Answer.of(response.body());
      assertThat(tapped.flows())
          .hasSize(3)
          .allSatisfy(f -> assertThat(f.at("/source/ip").asText()).isEqualTo("192.0.2.9"));
      assertThat(tapped.end().get("reason").asText()).isEqualTo("limit");
      assertThat(exporter.ownLog()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
      exporter.stopCleanly();
    }
  }

  static String flow(String src, int i) {
    return PmacctRecords.received(src, "203.0.113.9", 443, 40000 + i, "tcp", 100);
  }

  static HttpRequest.Builder request(ExporterProcess exporter, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.metricsPort() + path))
        .header("Authorization", "Bearer " + TOKEN);
  }

  static HttpResponse<String> get(ExporterProcess exporter, String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(request(exporter, path).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return r;
  }

  /** An NDJSON answer: the flows, then the end line. */
  record Answer(List<JsonNode> flows, JsonNode end) {

    static Answer of(String body) throws Exception {
      return of(body.lines());
    }

    static Answer of(Stream<String> lines) throws Exception {
      List<JsonNode> flows = new ArrayList<>();
      JsonNode end = null;
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        if (n.has("end")) {
          end = n.get("end");
          break;
        }
        flows.add(n);
      }
      assertThat(end).as("an end line").isNotNull();
      return new Answer(flows, end);
    }

    static String eventId(String document) {
      try {
        return JSON.readTree(document).at("/event/id").asText();
      } catch (java.io.IOException e) {
        throw new AssertionError("not a JSON document: " + document, e);
      }
    }
  }
}
