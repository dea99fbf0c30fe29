package io.flowexporter.app.flows;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flowexporter.app.http.MetricsServer;
import io.flowexporter.app.http.RoutesServer;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.FlowClassifier;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A client that asks for a tap and then reads nothing, while every flow matches: the scan's writes
 * block once the connection's buffers are full. Its slot must come free about a second after the
 * scan's timeout, not at the HTTP server's idle timeout (30 s).
 */
class StalledClientTest {

  private static final String TOKEN = "aaaaaaaaaaaaaaaa1";
  private static final String TOPIC = "pmacct.flows";
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

  @TempDir Path dir;
  private MetricsServer server;
  private FlowApi api;
  private final ListAppender<ILoggingEvent> audit = new ListAppender<>();

  @BeforeEach
  void serve() throws Exception {
    audit.start();
    ((Logger) LoggerFactory.getLogger(FlowApi.AUDIT_LOGGER)).addAppender(audit);
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alice:" + TOKEN + "\n");
    FlowClassifier classifier =
        new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
    // A gigabyte's cap: the answer is cut by the timeout, never by its size.
    FlowScanner scanner =
        new FlowScanner(EndlessTopic::new, TOPIC, classifier, AsnLookup.EMPTY, 1L << 30);
    api = new FlowApi(ApiTokens.load(tokens), scanner, 1, Clock.systemUTC());
    server = RoutesServer.start(api::mount);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(FlowApi.AUDIT_LOGGER)).detachAppender(audit);
    server.close();
  }

  @Test
  void aClientThatStopsReadingLosesItsConnectionSoonAfterTheTimeoutAndFreesTheSlot()
      throws Exception {
    long asked = System.nanoTime();
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096); // before connecting: the window stays small
      stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
      askForTap(stalled, "timeout=2s&limit=100000");
      // Never read: the server's writes fill the buffers and block.
      awaitScans(1, Duration.ofSeconds(5));

      awaitScans(0, Duration.ofSeconds(10));
      double seconds = (System.nanoTime() - asked) / 1e9;
      assertThat(seconds)
          .as("the slot came free within the timeout, the grace and a little more")
          .isLessThan(2 + OverdueScans.GRACE.toSeconds() + 2.5);
    }
    assertThat(audit.list.stream().map(ILoggingEvent::getFormattedMessage))
        .last()
        .asString()
        .contains("ended by timeout (the client stopped reading: its connection was closed)");

    // The one slot serves the next client.
    HttpResponse<String> next = tap("limit=3&timeout=5s");
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.body().lines().filter(l -> l.startsWith("{\"@timestamp\"")).count())
        .isEqualTo(3);
    assertThat(next.body()).contains("\"reason\":\"limit\"");
  }

  @Test
  void theWatchOfAScanThatEndedOnTimeLeavesItsKeptAliveConnectionAlone() throws Exception {
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      client.setSoTimeout(10_000);
      // The first scan ends at its timeout, at 1 s; the second, on the same connection (Jetty
      // serves both on one channel), runs from then to 4 s, across the first one's cut at 2 s.
      String first = exchange(client, "port=1&timeout=1s");
      String second = exchange(client, "port=1&timeout=3s");
      assertThat(first).contains("\"reason\":\"timeout\"");
      assertThat(second).contains("\"reason\":\"timeout\"");
    }
    assertThat(audit.list.stream().map(ILoggingEvent::getFormattedMessage))
        .filteredOn(line -> line.contains(": ended by "))
        .hasSize(2)
        .allMatch(line -> line.contains("ended by timeout: 0 flows returned"));
  }

  /** Sends a tap's request on {@code client}'s connection, HTTP/1.1 by hand; reads nothing. */
  private static void askForTap(Socket client, String query) throws Exception {
    OutputStream out = client.getOutputStream();
    out.write(
        ("GET "
                + FlowApi.TAP
                + "?"
                + query
                + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Authorization: Bearer "
                + TOKEN
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** One tap on a kept-alive connection: the answer up to its last chunk. */
  private static String exchange(Socket client, String query) throws Exception {
    askForTap(client, query);
    InputStream in = client.getInputStream();
    StringBuilder answer = new StringBuilder();
    while (!(answer.indexOf("\"end\"") >= 0 && answer.toString().endsWith("\r\n0\r\n\r\n"))) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the connection closed after: " + answer);
      }
      answer.append((char) b);
    }
    return answer.toString();
  }

  /** A tap read to its end. */
  private HttpResponse<String> tap(String query) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + FlowApi.TAP + "?" + query))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private void awaitScans(int n, Duration within) throws InterruptedException {
    long until = System.nanoTime() + within.toNanos();
    while (api.activeScans() != n && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(api.activeScans()).as("scans running").isEqualTo(n);
  }

  /** One partition where every poll brings 2,000 new receive flows, all matching a tap on them. */
  private static final class EndlessTopic extends MockConsumer<byte[], byte[]> {
    private static final byte[] FLOW =
        ("{\"as_src\": 15169, \"as_dst\": 64500, \"ip_src\": \"8.8.8.8\", \"ip_dst\":"
                + " \"192.0.2.1\", \"port_src\": 443, \"port_dst\": 50000, \"ip_proto\": \"tcp\","
                + " \"bytes\": 1500, \"packets\": 1}")
            .getBytes(StandardCharsets.UTF_8);
    private long next;

    EndlessTopic() {
      super("latest");
      updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
      updateBeginningOffsets(Map.of(TP, 0L));
      updateEndOffsets(Map.of(TP, 0L));
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      for (int i = 0; i < 2000; i++) {
        addRecord(
            new ConsumerRecord<>(
                TOPIC,
                0,
                next++,
                System.currentTimeMillis(),
                TimestampType.CREATE_TIME,
                0,
                FLOW.length,
                null,
                FLOW,
                new RecordHeaders(),
                Optional.empty()));
      }
      return super.poll(timeout);
    }
  }
}
