package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.app.config.KafkaConfig;
import io.flowexporter.app.config.ProcessingGuarantee;
import io.flowexporter.app.flows.ApiTokens;
import io.flowexporter.app.flows.FlowApi;
import io.flowexporter.app.flows.FlowScanner;
import io.flowexporter.app.flows.ScanConsumers;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The flow API on a real broker: a search of a past window answers exactly the records the test
 * wrote that match (expected sets computed from the test's own records, by event id), a tap exactly
 * the new ones; every way a scan ends; the caps, errors and access checks; a client that leaves
 * stops its scan within a second; no token in the log.
 */
class FlowApiIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @TempDir static Path dir;

  private static final String TOPIC = "pmacct.flows";
  private static final String TOKEN = "s3cret-token-of-alice-0123456789";
  private static final long OWN_AS = 64500;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

  /** One record the test wrote: its fields, its time, and the event id the API must give it. */
  record Sent(
      int i,
      String src,
      String dst,
      int srcPort,
      int dstPort,
      String proto,
      long asSrc,
      long asDst,
      String countrySrc,
      long rate,
      long time,
      String id) {}

  private static final List<Sent> past = new ArrayList<>();
  private static Instant base;
  private static Javalin server;
  private static Javalin smallServer;
  private static FlowApi api;

  @BeforeAll
  static void start() throws Exception {
    LOG.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
    Topics.create(broker.bootstrapServers(), TOPIC, 3);
    base = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MINUTES);
    try (KafkaProducer<String, String> producer = Topics.producer(broker.bootstrapServers())) {
      for (int i = 0; i < 60; i++) {
        past.add(send(producer, i, base.plusSeconds(60L * i).toEpochMilli(), i % 3));
      }
    }
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# who may look at flows\nalice:" + TOKEN + "\n");
    FlowClassifier classifier =
        new FlowClassifier(List.of(OWN_AS), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
    KafkaConfig kafka =
        new KafkaConfig(
            broker.bootstrapServers(),
            "flow-api-it",
            dir.resolve("state"),
            ProcessingGuarantee.AT_LEAST_ONCE,
            false,
            Duration.ofSeconds(1),
            0,
            1,
            Map.of());
    api =
        new FlowApi(
            ApiTokens.load(tokens),
            new FlowScanner(
                counted(new ScanConsumers(kafka)),
                TOPIC,
                classifier,
                AsnLookup.EMPTY,
                FlowScanner.MAX_BYTES),
            FlowApi.DEFAULT_MAX_SCANS,
            Clock.systemUTC(),
            null);
    server = Javalin.create(c -> c.showJavalinBanner = false);
    api.mount(server);
    server.start("127.0.0.1", 0);
    // The same API with a 4 KiB byte cap, for the "bytes" end without writing 64 MiB.
    smallServer = Javalin.create(c -> c.showJavalinBanner = false);
    new FlowApi(
            ApiTokens.load(tokens),
            new FlowScanner(new ScanConsumers(kafka), TOPIC, classifier, AsnLookup.EMPTY, 4096),
            4,
            Clock.systemUTC())
        .mount(smallServer);
    smallServer.start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
    if (smallServer != null) {
      smallServer.stop();
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
  }

  /** Record i: IPv4 when even, IPv6 when odd; i%4 0 transmit, 1 receive, 2 and 3 not ours. */
  private static Sent send(KafkaProducer<String, String> producer, int i, long time, int partition)
      throws Exception {
    String src = i % 2 == 0 ? "203.0.113." + i % 10 : "2001:db8::" + Integer.toHexString(i % 7 + 1);
    String dst = i % 2 == 0 ? "192.0.2." + i % 4 : "2001:db8:ffff::" + (i % 3 + 1);
    int srcPort = 40120 + i % 5;
    int dstPort = i % 3 == 0 ? 443 : 53;
    String proto = i % 3 == 0 ? "tcp" : "udp";
    long asSrc = i % 4 == 0 ? OWN_AS : 15169 + i % 2;
    long asDst = i % 4 == 1 ? OWN_AS : 0;
    String country = i % 5 == 0 ? "FR" : null;
    long rate = i % 6 == 0 ? 10 : 1;
    String json =
        "{\"event_type\":\"purge\",\"label\":\"edge1\",\"as_src\":"
            + asSrc
            + ",\"as_dst\":"
            + asDst
            + ",\"ip_src\":\""
            + src
            + "\",\"ip_dst\":\""
            + dst
            + "\",\"port_src\":"
            + srcPort
            + ",\"port_dst\":"
            + dstPort
            + ",\"ip_proto\":\""
            + proto
            + "\",\"bytes\":"
            + (100 + i)
            + ",\"packets\":1"
            + (country != null ? ",\"country_ip_src\":\"" + country + "\"" : "")
            + (rate > 1 ? ",\"sampling_rate\":" + rate : "")
            + "}";
    RecordMetadata m =
        producer.send(new ProducerRecord<>(TOPIC, partition, time, null, json)).get();
    return new Sent(
        i,
        src,
        dst,
        srcPort,
        dstPort,
        proto,
        asSrc,
        asDst,
        country,
        rate,
        m.timestamp(),
        TOPIC + ":" + m.partition() + ":" + m.offset() + ":0");
  }

  // ---- search ----

  @Test
  void aSearchOfAPastWindowAnswersExactlyTheMatchingRecords() throws Exception {
    Instant from = base.plus(Duration.ofMinutes(10));
    Instant to = base.plus(Duration.ofMinutes(40));
    Predicate<Sent> inWindow = s -> s.time() >= from.toEpochMilli() && s.time() < to.toEpochMilli();
    Map<String, Predicate<Sent>> queries = new LinkedHashMap<>();
    queries.put(
        "ip=203.0.113.6", s -> s.src().equals("203.0.113.6") || s.dst().equals("203.0.113.6"));
    queries.put(
        "ip=203.0.113.4", s -> s.src().equals("203.0.113.4") || s.dst().equals("203.0.113.4"));
    queries.put("src_ip=2001:db8::3", s -> s.src().equals("2001:db8::3"));
    queries.put("dst_ip=2001:DB8:FFFF:0::2", s -> s.dst().equals("2001:db8:ffff::2"));
    queries.put("net=203.0.113.0/30", s -> s.src().matches("203\\.0\\.113\\.[0-3]"));
    queries.put("dst_net=2001:db8:ffff::/48", s -> s.dst().startsWith("2001:db8:ffff::"));
    queries.put("port=40121", s -> s.srcPort() == 40121 || s.dstPort() == 40121);
    queries.put("src_port=40122&src_port=40124", s -> s.srcPort() == 40122 || s.srcPort() == 40124);
    queries.put("dst_port=443&proto=tcp", s -> s.dstPort() == 443 && s.proto().equals("tcp"));
    queries.put(
        "proto=udp&net=2001:db8::/32", s -> s.proto().equals("udp") && s.src().contains(":"));
    queries.put("as=15170", s -> s.asSrc() == 15170 || s.asDst() == 15170);
    queries.put("src_as=AS64500&src_as=15169", s -> s.asSrc() == OWN_AS || s.asSrc() == 15169);
    queries.put("dst_as=64500", s -> s.asDst() == OWN_AS);
    queries.put("direction=unmatched", s -> s.asSrc() != OWN_AS && s.asDst() != OWN_AS);
    queries.put(
        "direction=receive&direction=transmit", s -> s.asSrc() == OWN_AS || s.asDst() == OWN_AS);
    // The remote side's country; either side's for flows that are not ours (only sources have one).
    queries.put("country=FR", s -> s.asSrc() != OWN_AS && "FR".equals(s.countrySrc()));
    queries.put("hostname=edge1&ip=192.0.2.2", s -> s.dst().equals("192.0.2.2"));
    for (Map.Entry<String, Predicate<Sent>> q : queries.entrySet()) {
      FlowAnswer a =
          get(
              "/api/v1/flows/search?"
                  + encodeValues(q.getKey())
                  + "&from="
                  + from
                  + "&to="
                  + to
                  + "&limit=1000");
      Set<String> expected =
          past.stream()
              .filter(inWindow.and(q.getValue()))
              .map(Sent::id)
              .collect(Collectors.toSet());
      assertThat(expected).as(q.getKey()).isNotEmpty();
      assertThat(a.ids()).as(q.getKey()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(a.end().get("reason").asText()).as(q.getKey()).isEqualTo("range");
      assertThat(a.end().get("flows").asLong()).isEqualTo(expected.size());
      assertThat(a.end().get("scanned").asLong())
          .as(q.getKey())
          .isEqualTo(past.stream().filter(inWindow).count());
    }
  }

  @Test
  void documentsCarryTheEnrichmentAndTheSampling() throws Exception {
    Sent transmitSampled =
        past.stream().filter(s -> s.i() % 4 == 0 && s.rate() == 10).findFirst().orElseThrow();
    FlowAnswer a =
        get(
            "/api/v1/flows/search?src_ip="
                + transmitSampled.src()
                + "&dst_port="
                + transmitSampled.dstPort()
                + "&from="
                + Instant.ofEpochMilli(transmitSampled.time())
                + "&to="
                + Instant.ofEpochMilli(transmitSampled.time() + 1));
    assertThat(a.flows()).hasSize(1);
    JsonNode doc = a.flows().get(0);
    assertThat(doc.at("/event/id").asText()).isEqualTo(transmitSampled.id());
    assertThat(doc.at("/network/direction").asText()).isEqualTo("outbound");
    assertThat(doc.at("/network/bytes").asLong()).isEqualTo((100 + transmitSampled.i()) * 10L);
    assertThat(doc.at("/source/as/number").asLong()).isEqualTo(OWN_AS);
    assertThat(doc.at("/@timestamp").asText())
        .isEqualTo(Instant.ofEpochMilli(transmitSampled.time()).toString());
  }

  @Test
  void searchEndsAtTheLimitAndAtTheByteCap() throws Exception {
    FlowAnswer limited =
        get(
            "/api/v1/flows/search?from="
                + base
                + "&to="
                + base.plus(Duration.ofHours(1))
                + "&limit=7");
    assertThat(limited.flows()).hasSize(7);
    assertThat(limited.end().get("reason").asText()).isEqualTo("limit");

    HttpResponse<String> r =
        HTTP.send(
            request(
                    smallServer.port(),
                    "/api/v1/flows/search?from="
                        + base
                        + "&to="
                        + base.plus(Duration.ofHours(1))
                        + "&limit=1000",
                    TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    FlowAnswer capped = FlowAnswer.of(r.body());
    assertThat(capped.end().get("reason").asText()).isEqualTo("bytes");
    assertThat(r.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    assertThat(capped.flows()).isNotEmpty().hasSizeLessThan(60);
    assertThat(capped.end().get("flows").asLong()).isEqualTo(capped.flows().size());
  }

  @Test
  void serverSentEventsForBrowsers() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            request(
                    server.port(),
                    "/api/v1/flows/search?ip=203.0.113.6&from="
                        + base
                        + "&to="
                        + base.plus(Duration.ofHours(1)),
                    TOKEN)
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    long expected = past.stream().filter(s -> s.src().equals("203.0.113.6")).count();
    assertThat(expected).isPositive();
    assertThat(r.body().split("event: flow\ndata: ", -1)).hasSize((int) expected + 1);
    assertThat(r.body())
        .contains("event: end\ndata: {\"end\":{\"reason\":\"range\",\"flows\":" + expected + ",");
  }

  // ---- tap ----

  @Test
  void aTapAnswersExactlyTheNewMatchingRecordsAsTheyArrive() throws Exception {
    try (KafkaProducer<String, String> producer = Topics.producer(broker.bootstrapServers())) {
      producer
          .send(new ProducerRecord<>(TOPIC, 0, null, tapRecord("198.51.100.9", 1)))
          .get(); // before the tap
      CompletableFuture<HttpResponse<Stream<String>>> tap =
          HTTP.sendAsync(
              request(
                      server.port(),
                      "/api/v1/flows/tap?net=198.51.100.0/24&limit=10&timeout=60s",
                      TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
      HttpResponse<Stream<String>> response = tap.get(); // the headers: the tap is positioned
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/x-ndjson");
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        boolean matches = i % 2 == 0;
        RecordMetadata m =
            producer
                .send(
                    new ProducerRecord<>(
                        TOPIC,
                        i % 3,
                        null,
                        tapRecord(matches ? "198.51.100." + i : "198.18.0." + i, i)))
                .get();
        if (matches) {
          expected.add(TOPIC + ":" + m.partition() + ":" + m.offset() + ":0");
        }
      }
      FlowAnswer a = FlowAnswer.of(response.body().collect(Collectors.joining("\n")));
      assertThat(a.ids()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(a.end().get("reason").asText()).isEqualTo("limit");
    }
  }

  @Test
  void aTapEndsAtItsTimeout() throws Exception {
    long start = System.nanoTime();
    FlowAnswer a = get("/api/v1/flows/tap?ip=192.0.2.254&timeout=1500ms");
    assertThat(a.flows()).isEmpty();
    assertThat(a.end().get("reason").asText()).isEqualTo("timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
  }

  /** Consumers of the main API's scans made and not yet closed. */
  private static final AtomicInteger OPEN_CONSUMERS = new AtomicInteger();

  /** Each consumer counted in {@link #OPEN_CONSUMERS} until it is closed. */
  @SuppressWarnings("unchecked")
  private static Supplier<Consumer<byte[], byte[]>> counted(
      Supplier<Consumer<byte[], byte[]>> consumers) {
    return () -> {
      Consumer<byte[], byte[]> consumer = consumers.get();
      OPEN_CONSUMERS.incrementAndGet();
      AtomicBoolean closed = new AtomicBoolean();
      return (Consumer<byte[], byte[]>)
          Proxy.newProxyInstance(
              Consumer.class.getClassLoader(),
              new Class<?>[] {Consumer.class},
              (proxy, method, args) -> {
                if (method.getName().equals("close") && closed.compareAndSet(false, true)) {
                  OPEN_CONSUMERS.decrementAndGet();
                }
                try {
                  return method.invoke(consumer, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    };
  }

  @Test
  void aClientThatLeavesStopsItsScanWithinASecond() throws Exception {
    Await.until(
        Duration.ofSeconds(30), () -> api.activeScans() == 0, () -> "scans left by other tests");
    try (Socket s = openTap()) {
      Await.until(
          Duration.ofSeconds(10), () -> api.activeScans() == 1, () -> api.activeScans() + " scans");
    }
    long closed = System.nanoTime();
    while (api.activeScans() > 0 && System.nanoTime() - closed < Duration.ofSeconds(5).toNanos()) {
      Thread.sleep(10);
    }
    // The scan's consumer is closed before its slot is given back.
    assertThat(api.activeScans()).isZero();
    assertThat(OPEN_CONSUMERS.get()).as("consumers not closed").isZero();
    // The second keep-alive after the client left fails, half a second at most, then the consumer
    // is closed: the rest of the 1.5 s is for a busy machine.
    assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofMillis(1500));
    awaitAudit("ended by client");
  }

  /** Waits for an audit line that holds every one of {@code parts}. */
  private static void awaitAudit(String... parts) throws Exception {
    Await.until(
        Duration.ofSeconds(5),
        () ->
            LOG.list.stream()
                .anyMatch(
                    e ->
                        e.getLoggerName().endsWith("audit")
                            && java.util.Arrays.stream(parts)
                                .allMatch(e.getFormattedMessage()::contains)),
        () -> "no audit line with " + java.util.Arrays.toString(parts));
  }

  @Test
  void theFifthConcurrentScanIsTurnedAwayWith429() throws Exception {
    Await.until(
        Duration.ofSeconds(30), () -> api.activeScans() == 0, () -> "scans left by other tests");
    List<Socket> taps = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        taps.add(openTap());
      }
      HttpResponse<String> fifth =
          HTTP.send(
              request(server.port(), "/api/v1/flows/tap", TOKEN).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(fifth.statusCode()).isEqualTo(429);
      assertThat(fifth.headers().firstValue("Retry-After")).isPresent();
    } finally {
      for (Socket s : taps) {
        s.close();
      }
    }
    Await.until(
        Duration.ofSeconds(5), () -> api.activeScans() == 0, () -> api.activeScans() + " scans");
    assertThat(get("/api/v1/flows/tap?timeout=1s").end().get("reason").asText())
        .isEqualTo("timeout");
  }

  // ---- refusals ----

  @Test
  void aBadParameterIs400NamingItAndItsCap() throws Exception {
    assertBad("/api/v1/flows/tap?limit=100001", "limit", "100000");
    assertBad("/api/v1/flows/tap?limit=0", "limit", "1..100000");
    assertBad("/api/v1/flows/tap?timeout=301s", "timeout", "300s");
    assertBad("/api/v1/flows/tap?timeout=soon", "timeout", "duration");
    assertBad("/api/v1/flows/search?from=-25h", "from", "24h");
    assertBad("/api/v1/flows/search?from=2026-13-01T00:00:00Z", "from", "RFC 3339");
    assertBad("/api/v1/flows/search?from=-1h&to=-2h", "from", "not before");
    assertBad("/api/v1/flows/tap?from=-1h", "from", "only a search");
    assertBad("/api/v1/flows/tap?ip=300.1.1.1", "ip", "not an IPv4 or IPv6 address");
    assertBad("/api/v1/flows/tap?net=192.0.2.0/33", "net", "CIDR");
    assertBad("/api/v1/flows/tap?port=http", "port", "0..65535");
    assertBad("/api/v1/flows/tap?proto=256", "proto", "protocol");
    assertBad("/api/v1/flows/tap?as=ASX", "as", "AS number");
    assertBad("/api/v1/flows/tap?country=France", "country", "two-letter");
    assertBad("/api/v1/flows/tap?direction=in", "direction", "receive");
    assertBad("/api/v1/flows/tap?colour=red", "colour", "unknown parameter");
    assertBad("/api/v1/flows/tap?limit=5&limit=6", "limit", "more than once");
    assertThat(api.activeScans()).isZero();
  }

  @Test
  void withoutATokenIs401WithAWrongOne403AndNoTokenIsEverLogged() throws Exception {
    HttpResponse<String> none =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url(server.port(), "/api/v1/flows/tap"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    String wrong = "not-the-token-of-anyone-0123456789";
    HttpResponse<String> bad =
        HTTP.send(
            request(server.port(), "/api/v1/flows/tap", wrong).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(403);
    assertThat(bad.body()).doesNotContain(wrong);
    get("/api/v1/flows/search?ip=203.0.113.7");
    awaitAudit("by alice from 127.0.0.1", "ip=203.0.113.7");
    // The end line alone says who looked at what.
    awaitAudit("by alice from 127.0.0.1: search ip=203.0.113.7", "ended by range");
    // The refused token is on record (without the token).
    assertThat(LOG.list)
        .anyMatch(
            e ->
                e.getLoggerName().endsWith("audit")
                    && e.getFormattedMessage().contains("not one of the API's tokens")
                    && e.getFormattedMessage().contains("127.0.0.1"));
    for (ILoggingEvent e : List.copyOf(LOG.list)) {
      assertThat(e.getFormattedMessage()).doesNotContain(TOKEN).doesNotContain(wrong);
      if (e.getThrowableProxy() != null) {
        assertThat(e.getThrowableProxy().getMessage()).doesNotContain(TOKEN);
      }
    }
  }

  // ---- the exporter process ----

  @Test
  void theExporterServesTheApiOnlyWithATokenFile() throws Exception {
    String[] args = {
      "--brokers",
      broker.bootstrapServers(),
      "--topic",
      TOPIC,
      "--asn",
      Long.toString(OWN_AS),
      "--state-dir",
      dir.resolve("exporter-state").toString(),
      "--application-id",
      "it-api",
      "--from-beginning",
      "--commit-interval",
      "300",
      "--api-token-file",
      dir.resolve("tokens").toString(),
      "--api-max-scans",
      "2"
    };
    try (ExporterProcess exporter =
        ExporterProcess.start(dir.resolve("exporter.log"), Map.of(), args)) {
      Await.until(
          Duration.ofSeconds(60),
          () -> Scrape.status(exporter.metricsPort(), "/readyz") == 200,
          exporter::log);
      HttpResponse<String> search =
          HTTP.send(
              request(
                      exporter.metricsPort(),
                      "/api/v1/flows/search?ip=203.0.113.6&from="
                          + base
                          + "&to="
                          + base.plus(Duration.ofHours(1)),
                      TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(search.statusCode()).isEqualTo(200);
      FlowAnswer a = FlowAnswer.of(search.body());
      assertThat(a.ids())
          .containsExactlyInAnyOrderElementsOf(
              past.stream().filter(s -> s.src().equals("203.0.113.6")).map(Sent::id).toList());
      HttpResponse<String> anonymous =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url(exporter.metricsPort(), "/api/v1/flows/tap")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(exporter.log())
          .containsPattern("flow search #[0-9]+ by alice")
          .doesNotContain(TOKEN);
    }
    String[] without = Arrays.copyOf(args, args.length - 4);
    without[9] = "it-api-off";
    try (ExporterProcess exporter =
        ExporterProcess.start(dir.resolve("exporter-off.log"), Map.of(), without)) {
      Await.until(
          Duration.ofSeconds(60),
          () -> Scrape.status(exporter.metricsPort(), "/healthz") == 200,
          exporter::log);
      HttpResponse<String> off =
          HTTP.send(
              request(exporter.metricsPort(), "/api/v1/flows/tap", TOKEN).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(off.statusCode()).isEqualTo(404);
    }
  }

  // ---- helpers ----

  /** An HTTPS flow received from {@code src}, port 50000 + i, to 192.0.2.1. */
  private static String tapRecord(String src, int i) {
    return PmacctRecords.received(src, "192.0.2.1", 50000 + i, 443, "tcp", 1500);
  }

  /** A tap on a raw connection, whose headers have been read: a client that can leave at once. */
  private static Socket openTap() throws Exception {
    Socket s = new Socket("127.0.0.1", server.port());
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /api/v1/flows/tap?ip=192.0.2.254&timeout=60s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + TOKEN
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String status =
        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
            .readLine();
    assertThat(status).isEqualTo("HTTP/1.1 200 OK");
    return s;
  }

  private static void assertBad(String path, String parameter, String message) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            request(server.port(), path, TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertThat(error.get("parameter").asText()).as(path).isEqualTo(parameter);
    assertThat(error.get("message").asText()).as(path).contains(message);
  }

  /** URL-encodes each value of a {@code a=b&c=d} query. */
  private static String encodeValues(String query) {
    return Stream.of(query.split("&"))
        .map(
            p -> {
              int eq = p.indexOf('=');
              return p.substring(0, eq + 1)
                  + URLEncoder.encode(p.substring(eq + 1), StandardCharsets.UTF_8);
            })
        .collect(Collectors.joining("&"));
  }

  private static String url(int port, String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private static HttpRequest.Builder request(int port, String path, String token) {
    return HttpRequest.newBuilder(URI.create(url(port, path)))
        .header("Authorization", "Bearer " + token);
  }

  private static FlowAnswer get(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            request(server.port(), path, TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return FlowAnswer.of(r.body());
  }
}
