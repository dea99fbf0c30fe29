package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.app.http.MetricsServer;
import io.flowexporter.app.http.RoutesServer;
import io.flowexporter.app.kafka.KafkaRefusals;
import io.flowexporter.app.kafka.TopicAcls;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.FlowClassifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the flow API says of a scan, on a scripted Kafka: its audit lines, each of which says who
 * looked at what, and a refusal by Kafka in the exporter's words.
 */
class FlowApiAuditTest {

  private static final String TOKEN = "aaaaaaaaaaaaaaaa1";
  private static final String TOPIC = "pmacct.flows";

  @TempDir Path dir;
  private MetricsServer server;
  private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void listen() {
    audit.start();
    ((Logger) LoggerFactory.getLogger(FlowApi.AUDIT_LOGGER)).addAppender(audit);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(FlowApi.AUDIT_LOGGER)).detachAppender(audit);
    if (server != null) {
      server.close();
    }
  }

  /** Serves the API on a consumer that refuses with {@code failure}, if not null. */
  private void serve(KafkaException failure) throws Exception {
    serveOn(() -> new ScriptedConsumer(TOPIC, 2, Duration.ZERO, failure));
  }

  private void serveOn(Supplier<Consumer<byte[], byte[]>> consumers) throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alice:" + TOKEN + "\n");
    FlowClassifier classifier =
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
    FlowScanner scanner = new FlowScanner(consumers, TOPIC, classifier, AsnLookup.EMPTY, 1 << 20);
    FlowApi api =
        new FlowApi(
            ApiTokens.load(tokens),
            scanner,
            1,
            Clock.systemUTC(),
            KafkaRefusals.of(
                Map.of(),
                "kafka1:9093",
                new TopicAcls("flows", Optional.empty(), "flow-exporter")));
    server = RoutesServer.start(api::mount);
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
            .header("Authorization", "Bearer " + TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<String> lines() {
    return audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void theEndLineAloneSaysWhoLookedAtWhatAndWhatTheyGot() throws Exception {
    serve(null);
    HttpResponse<String> r = get(FlowApi.SEARCH + "?ip=203.0.113.7&from=-1h");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(lines()).hasSize(2);
    assertThat(lines().get(0))
        .startsWith("flow search #1 by alice from 127.0.0.1: search ip=203.0.113.7 limit=100");
    assertThat(lines().get(1))
        .startsWith(lines().get(0) + ": ended by range: 0 flows returned, 0 records scanned, ")
        .endsWith(" ms");
    assertThat(String.join("\n", lines())).doesNotContain(TOKEN);
  }

  @Test
  void aRefusalByKafkaIs503InTheExportersWordsAndOnRecord() throws Exception {
    serve(new TopicAuthorizationException(Set.of(TOPIC)));
    HttpResponse<String> r = get(FlowApi.TAP + "?port=53");
    assertThat(r.statusCode()).isEqualTo(503);
    String message = new ObjectMapper().readTree(r.body()).path("error").path("message").asText();
    assertThat(message)
        .startsWith("Kafka at kafka1:9093 denies")
        .contains("topic " + TOPIC, "check the ACLs")
        .doesNotContain("Not authorized"); // Kafka's own words
    assertThat(lines())
        .last()
        .asString()
        .startsWith("flow tap #1 by alice from 127.0.0.1: tap port=53")
        .contains("ended by error (it could not start: Kafka at kafka1:9093 denies")
        .endsWith("): 0 flows returned");
  }

  @Test
  void aFaultOfOursIsAJson500AndOnRecord() throws Exception {
    serveOn(
        () -> {
          throw new IllegalStateException("no consumer today");
        });
    HttpResponse<String> r = get(FlowApi.TAP + "?port=53");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(new ObjectMapper().readTree(r.body()).path("error").path("message").asText())
        .isEqualTo("internal error: the scan could not start; the exporter's log has flow tap #1");
    assertThat(lines()).hasSize(2);
    assertThat(lines().get(1))
        .startsWith(lines().get(0) + ": ended by error (it could not start: ")
        .contains("no consumer today");
  }
}
