package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowexporter.app.http.TestCa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flow API over HTTPS, on the exporter's jar and a real broker, with a test CA's certificate
 * ({@code --web-tls-cert}, {@code --web-tls-key}) and a token file: a client that trusts only that
 * CA gets exactly the matching flows of a search and of a tap, and {@code /metrics}; plain HTTP on
 * the port gets no HTTP answer at all; certificate and key replaced on disk, new connections get
 * the new certificate within 25 s (two checks of the files), from the same process.
 */
class FlowApiHttpsIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  private static final String TOPIC = "pmacct.flows.https";
  private static final String TOKEN = "s3cret-token-of-bob-0123456789ab";

  /**
   * The exporter checks the files every 10 s; a check between the renames of the two files sees a
   * pair that does not match and keeps the old one until the next check: two checks and 5 s more
   * for a busy machine.
   */
  private static final Duration RELOAD_WITHIN = Duration.ofSeconds(25);

  /** One record the test wrote, and the event id the API must give it. */
  record Sent(int i, String src, int dstPort, String proto, long bytes, String id) {}

  @Test
  void searchTapAndMetricsOverHttpsAndARenewedCertificateWithoutARestart(@TempDir Path dir)
      throws Exception {
    TestCa ca = TestCa.create(dir);
    Path cert = dir.resolve("web.crt");
    Path key = dir.resolve("web.key");
    ca.issue("flow-exporter-1", cert, key);
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "bob:" + TOKEN + "\n");

    Topics.create(broker.bootstrapServers(), TOPIC, 2);
    // 40 received flows, 30 s apart, two hours ago: what the search looks into.
    Instant base = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MINUTES);
    List<Sent> past = new ArrayList<>();
    try (KafkaProducer<String, String> producer = Topics.producer(broker.bootstrapServers())) {
      for (int i = 0; i < 40; i++) {
        String src = "203.0.113." + i % 8;
        int dstPort = i % 2 == 0 ? 443 : 53;
        String proto = i % 2 == 0 ? "tcp" : "udp";
        long bytes = 100 + i;
        RecordMetadata m =
            producer
                .send(
                    new ProducerRecord<>(
                        TOPIC,
                        i % 2,
                        base.plusSeconds(30L * i).toEpochMilli(),
                        null,
                        PmacctRecords.received(
                            src, "192.0.2." + (1 + i % 3), 40000 + i, dstPort, proto, bytes)))
                .get();
        past.add(new Sent(i, src, dstPort, proto, bytes, eventId(m)));
      }
    }

    String[] args =
        ExporterArgs.fromTheBeginning(
            broker.bootstrapServers(),
            TOPIC,
            dir.resolve("state"),
            "it-api-https",
            "--commit-interval",
            "300",
            "--web-tls-cert",
            cert.toString(),
            "--web-tls-key",
            key.toString(),
            "--api-token-file",
            tokens.toString());
    try (ExporterProcess exporter =
        ExporterProcess.start(dir.resolve("exporter.log"), Map.of(), args)) {
      int port = exporter.metricsPort();
      HttpClient https = client(ca);
      Await.until(
          Duration.ofSeconds(60),
          () -> status(https, port, "/readyz") == 200,
          () -> "/readyz over HTTPS not 200; log:\n" + exporter.log());
      X509Certificate first = servedCertificate(ca, port);
      assertThat(first.getSubjectX500Principal().getName()).isEqualTo("CN=flow-exporter-1");

      // /metrics over HTTPS: the 40 records counted.
      Await.until(
          Duration.ofSeconds(30),
          () -> {
            HttpResponse<String> metrics = get(https, port, "/metrics", null);
            return metrics.statusCode() == 200
                && Scrape.parse(metrics.body())
                        .value("flow_exporter_records_total{outcome=\"counted\"}")
                    == 40;
          },
          () -> "/metrics over HTTPS without the 40 records counted; log:\n" + exporter.log());

      // Plain HTTP on the HTTPS port, with a good token: no HTTP answer, let alone flows; at most
      // a TLS alert record (content type 21) before the connection is closed.
      String search =
          "/api/v1/flows/search?net=203.0.113.0/30&proto=tcp&from="
              + base.plus(Duration.ofMinutes(2))
              + "&to="
              + base.plus(Duration.ofMinutes(17));
      String plain = plainHttp(port, search);
      assertThat(plain).doesNotContain("HTTP/1.").doesNotContain("\"end\"").doesNotContain(TOPIC);
      assertThat(plain.isEmpty() || plain.charAt(0) == 21).as("a TLS alert: " + plain).isTrue();

      // A search: net and proto both select (an even i within 0..3 of 8), in a 15-minute window.
      long fromMs = base.plus(Duration.ofMinutes(2)).toEpochMilli();
      long toMs = base.plus(Duration.ofMinutes(17)).toEpochMilli();
      List<Sent> inWindow =
          past.stream()
              .filter(s -> base.plusSeconds(30L * s.i()).toEpochMilli() >= fromMs)
              .filter(s -> base.plusSeconds(30L * s.i()).toEpochMilli() < toMs)
              .toList();
      Map<String, Sent> expected = new HashMap<>();
      inWindow.stream()
          .filter(s -> s.i() % 8 < 4 && s.proto().equals("tcp"))
          .forEach(s -> expected.put(s.id(), s));
      assertThat(expected).hasSize(7); // i = 8, 10, 16, 18, 24, 26, 32
      FlowAnswer searched = FlowAnswer.of(ok(get(https, port, search, TOKEN)));
      assertSearchAnswer(searched, expected, inWindow.size());

      // A tap: 20 records produced while it runs, 5 of them in the net and udp.
      HttpResponse<Stream<String>> tap =
          https
              .sendAsync(
                  request(port, "/api/v1/flows/tap?net=198.51.100.0/24&proto=udp&limit=5", TOKEN)
                      .build(),
                  HttpResponse.BodyHandlers.ofLines())
              .get(30, TimeUnit.SECONDS); // the headers: the tap is positioned
      assertThat(tap.statusCode()).isEqualTo(200);
      assertThat(tap.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/x-ndjson");
      CompletableFuture<String> tapBody =
          CompletableFuture.supplyAsync(() -> tap.body().collect(Collectors.joining("\n")));
      Map<String, Integer> tapped = new HashMap<>();
      try (KafkaProducer<String, String> producer = Topics.producer(broker.bootstrapServers())) {
        for (int i = 0; i < 20; i++) {
          // i % 4: 0 in the net and udp, 2 in the net but tcp, odd outside the net but udp.
          String src = i % 2 == 0 ? "198.51.100." + (10 + i) : "198.18.0." + (10 + i);
          String proto = i % 4 == 2 ? "tcp" : "udp";
          RecordMetadata m =
              producer
                  .send(
                      new ProducerRecord<>(
                          TOPIC,
                          i % 2,
                          null,
                          PmacctRecords.received(src, "192.0.2.9", 5353, 53, proto, 60 + i)))
                  .get();
          if (i % 4 == 0) {
            tapped.put(eventId(m), i);
          }
        }
      }
      // The tap's own timeout (30 s by default) ends it at the latest.
      FlowAnswer tapAnswer = FlowAnswer.of(tapBody.get(60, TimeUnit.SECONDS));
      assertThat(tapAnswer.ids()).containsExactlyInAnyOrderElementsOf(tapped.keySet());
      for (JsonNode flow : tapAnswer.flows()) {
        int i = tapped.get(flow.at("/event/id").asText());
        assertThat(flow.at("/source/ip").asText()).isEqualTo("198.51.100." + (10 + i));
        assertThat(flow.at("/network/transport").asText()).isEqualTo("udp");
        assertThat(flow.at("/network/bytes").asLong()).isEqualTo(60 + i);
      }
      assertThat(tapAnswer.end().get("reason").asText()).isEqualTo("limit");
      assertThat(tapAnswer.end().get("flows").asLong()).isEqualTo(5);

      // The renewal: a new key and certificate, each renamed over the old file, as certbot and
      // cert-manager leave them. (Between the two renames the pair does not match: a check of the
      // exporter's that falls there keeps the old pair until the next one, 10 s later.)
      Path newCert = dir.resolve("renewed.crt");
      Path newKey = dir.resolve("renewed.key");
      ca.issue("flow-exporter-2", newCert, newKey);
      Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(
          newCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      long replaced = System.nanoTime();
      AtomicReference<X509Certificate> served = new AtomicReference<>(first);
      Await.until(
          RELOAD_WITHIN,
          () -> {
            served.set(servedCertificate(ca, port));
            return served.get().getSubjectX500Principal().getName().equals("CN=flow-exporter-2");
          },
          () ->
              "still serving "
                  + served.get().getSubjectX500Principal()
                  + "; log:\n"
                  + exporter.ownLog());
      System.out.printf(
          "renewed certificate served %d ms after the files were replaced%n",
          Duration.ofNanos(System.nanoTime() - replaced).toMillis());
      assertThat(served.get().getSerialNumber()).isNotEqualTo(first.getSerialNumber());
      // The same process, its API answering over the new certificate.
      HttpClient renewedClient = client(ca);
      HttpResponse<String> again = get(renewedClient, port, search, TOKEN);
      assertThat(
              ((X509Certificate) again.sslSession().orElseThrow().getPeerCertificates()[0])
                  .getSubjectX500Principal()
                  .getName())
          .isEqualTo("CN=flow-exporter-2");
      assertSearchAnswer(FlowAnswer.of(ok(again)), expected, inWindow.size());
      assertThat(exporter.isAlive()).isTrue();
      assertThat(exporter.ownLog())
          .contains("Reloaded the TLS certificate " + cert + " and key " + key)
          .doesNotContain(TOKEN);
      assertThat(exporter.ownLog().split("Serving the console", -1)).as("starts").hasSize(2);
      exporter.stopCleanly();
    }
  }

  private static void assertSearchAnswer(FlowAnswer a, Map<String, Sent> expected, long scanned) {
    assertThat(a.ids()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (JsonNode flow : a.flows()) {
      Sent s = expected.get(flow.at("/event/id").asText());
      assertThat(flow.at("/source/ip").asText()).isEqualTo(s.src());
      assertThat(flow.at("/destination/port").asInt()).isEqualTo(s.dstPort());
      assertThat(flow.at("/network/transport").asText()).isEqualTo("tcp");
      assertThat(flow.at("/network/bytes").asLong()).isEqualTo(s.bytes());
      assertThat(flow.at("/network/direction").asText()).isEqualTo("inbound");
    }
    assertThat(a.end().get("reason").asText()).isEqualTo("range");
    assertThat(a.end().get("flows").asLong()).isEqualTo(expected.size());
    assertThat(a.end().get("scanned").asLong()).isEqualTo(scanned);
  }

  private static String eventId(RecordMetadata m) {
    return TOPIC + ":" + m.partition() + ":" + m.offset() + ":0";
  }

  /** An HTTPS client that trusts the test CA only, with a TLS context of its own. */
  private static HttpClient client(TestCa ca) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(ca.trustingOnlyThis())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpRequest.Builder request(int port, String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path));
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  private static HttpResponse<String> get(HttpClient client, int port, String path, String token) {
    try {
      return client.send(
          request(port, path, token).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.uri() + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  /** The status of a GET over HTTPS, or -1 while nothing answers. */
  private static int status(HttpClient client, int port, String path) {
    try {
      return get(client, port, path, null).statusCode();
    } catch (UncheckedIOException e) {
      return -1;
    }
  }

  /** The certificate a new TLS connection gets, the host name (127.0.0.1) verified. */
  private static X509Certificate servedCertificate(TestCa ca, int port) {
    try (SSLSocket s = (SSLSocket) ca.trustingOnlyThis().getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(5000);
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    } catch (Exception e) {
      throw new AssertionError("no TLS handshake on port " + port, e);
    }
  }

  /** What a plain-HTTP request gets back within 5 s (the bytes as ISO-8859-1 text). */
  private static String plainHttp(int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + TOKEN
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          got.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // Neither an answer nor a close within 5 s, or a reset: either way, no flows.
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
