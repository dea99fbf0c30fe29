package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.broker.EmbeddedKafkaBroker;
import io.flowexporter.broker.SaslSslListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka refuses the exporter (a wrong password, an untrusted CA, a certificate for another host
 * name, a topic without an ACL) on a SASL_SSL broker: over 20 s the exporter's log says it once in
 * its own words, the Kafka client's line comes at most once and the log stays short; {@code
 * /readyz} answers 503 with the reason; once the ACL is added while the exporter runs, it counts
 * and turns ready.
 */
class KafkaRefusalsIT {

  private static final String USER = "exporter";
  private static final String PASSWORD = "exporter-secret-2";
  private static final String READER = "reader";
  private static final String MEMBER = "member";
  private static final Duration WATCH = Duration.ofSeconds(20);

  /**
   * The most lines the exporter may log from the end of its start-up banner to the end of the
   * watch: measured, 3 (a denied topic) to 10 (a denied group: the stream's start says 5 lines of
   * its own, and Kafka Streams its thread replacement), 6 in the login and TLS cases. Twice the
   * largest leaves room for what a slower machine adds before the first refusal (a "not reachable"
   * line, at most once a minute per problem). What it bounds: the complaint was about 40 lines in
   * 25 s, and the stack trace of the Kafka client's one TLS line (some 40 lines of handshake frames
   * and causes, now left out by ExplainedFailureConverter) took the TLS cases to 45.
   */
  private static final int MOST_LINES = 20;

  private static final Pattern TIME_STAMPED = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension
  static final SaslSslBroker broker =
      new SaslSslBroker(
          Map.of(USER, PASSWORD, READER, "reader-secret-3", MEMBER, "member-secret-4"));

  @Test
  void aWrongPasswordIsSaidOnceWithTheUserAndTheMechanism(@TempDir Path dir) throws Exception {
    String topic = "refused-login";
    broker.createTopic(topic, 1);
    Properties wrong = broker.broker().clientProperties(USER, "not-" + PASSWORD);
    String line =
        "Kafka at "
            + broker.bootstrapServers()
            + " refused authentication for user "
            + USER
            + " with mechanism SCRAM-SHA-512: check sasl.jaas.config";
    try (ExporterProcess exporter =
        start(dir, broker.bootstrapServers(), topic, "it-login", wrong)) {
      assertRefusedFor20Seconds(exporter, line);
      assertThat(exporter.ownLog()).doesNotContain(PASSWORD).doesNotContain("ScramLoginModule");
    }
  }

  @Test
  void anUntrustedCaNamesTheTruststore(@TempDir Path dir) throws Exception {
    String topic = "refused-ca";
    broker.createTopic(topic, 1);
    Properties untrusting = broker.broker().clientProperties(USER);
    Path other = broker.broker().certificates().otherTruststore();
    untrusting.put("ssl.truststore.location", other.toString());
    String line =
        "Kafka at "
            + broker.bootstrapServers()
            + " presented a certificate that is not trusted by"
            + " ssl.truststore.location "
            + other
            + ": it must hold the CA that signed the brokers' certificates";
    try (ExporterProcess exporter =
        start(dir, broker.bootstrapServers(), topic, "it-ca", untrusting)) {
      assertRefusedFor20Seconds(exporter, line);
    }
  }

  @Test
  void aCertificateForAnotherNameNamesTheHostAndTheCheck(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker elsewhere =
        EmbeddedKafkaBroker.startSaslSsl(
            SaslSslListener.of(Map.of(USER, PASSWORD)).withServerNames("broker.invalid"))) {
      String line =
          "Kafka at "
              + elsewhere.bootstrapServers()
              + " presented a certificate that is not valid for the host name"
              + " 127.0.0.1 (ssl.endpoint.identification.algorithm=https)";
      try (ExporterProcess exporter =
          start(
              dir,
              elsewhere.bootstrapServers(),
              "flows",
              "it-name",
              elsewhere.clientProperties(USER))) {
        assertRefusedFor20Seconds(exporter, line);
      }
    }
  }

  @Test
  void aTopicWithoutAnAclIsNamedUntilTheAclIsAdded(@TempDir Path dir) throws Exception {
    String topic = "refused-topic";
    String app = "it-acl";
    broker.createTopic(topic, 2);
    broker.allowStreamsApplication(READER, app);
    PmacctRecords records = new PmacctRecords(5);
    broker.produce(topic, records, 300);
    String line =
        "Kafka at "
            + broker.bootstrapServers()
            + " denies user "
            + READER
            + " access to topic "
            + topic
            + ": check the ACLs of User:"
            + READER;
    try (ExporterProcess exporter =
        start(
            dir, broker.bootstrapServers(), topic, app, broker.broker().clientProperties(READER))) {
      assertRefusedFor20Seconds(exporter, line);

      broker.allow(
          READER,
          ResourceType.TOPIC,
          topic,
          PatternType.LITERAL,
          AclOperation.READ,
          AclOperation.DESCRIBE);
      ExporterIT.awaitTotals(exporter, records);
      Await.until(
          Duration.ofSeconds(60),
          () -> readyz(exporter).statusCode() == 200,
          () -> readyz(exporter).body());
      assertThat(exporter.ownLog()).contains("Kafka accepts the exporter now");
      exporter.stopCleanly();
    }
  }

  /**
   * The group is refused once the stream starts (the topic is allowed): the stream thread is
   * replaced every 5 s, the exporter neither floods the log nor exits, and counts once allowed.
   */
  @Test
  void aGroupWithoutAnAclIsNamedUntilTheAclIsAdded(@TempDir Path dir) throws Exception {
    String topic = "refused-group";
    String app = "it-group";
    broker.createTopic(topic, 2);
    broker.allow(
        MEMBER,
        ResourceType.TOPIC,
        topic,
        PatternType.LITERAL,
        AclOperation.READ,
        AclOperation.DESCRIBE);
    broker.allow(MEMBER, ResourceType.TOPIC, app, PatternType.PREFIXED, AclOperation.ALL);
    broker.allow(
        MEMBER, ResourceType.TRANSACTIONAL_ID, app, PatternType.PREFIXED, AclOperation.ALL);
    broker.allow(
        MEMBER,
        ResourceType.CLUSTER,
        "kafka-cluster",
        PatternType.LITERAL,
        AclOperation.IDEMPOTENT_WRITE,
        AclOperation.DESCRIBE);
    PmacctRecords records = new PmacctRecords(6);
    broker.produce(topic, records, 300);
    String line =
        "Kafka at "
            + broker.bootstrapServers()
            + " denies user "
            + MEMBER
            + " access to group "
            + app;
    try (ExporterProcess exporter =
        start(
            dir, broker.bootstrapServers(), topic, app, broker.broker().clientProperties(MEMBER))) {
      assertRefusedFor20Seconds(exporter, line);

      broker.allow(MEMBER, ResourceType.GROUP, app, PatternType.PREFIXED, AclOperation.ALL);
      ExporterIT.awaitTotals(exporter, records);
      Await.until(
          Duration.ofSeconds(60),
          () -> readyz(exporter).statusCode() == 200,
          () -> readyz(exporter).body());
      assertThat(exporter.ownLog()).contains("Kafka accepts the exporter now");
      exporter.stopCleanly();
    }
  }

  private static ExporterProcess start(
      Path dir, String brokers, String topic, String app, Properties client) {
    return broker.startExporter(dir, brokers, topic, app, client);
  }

  /**
   * Waits for the exporter's line, watches the log for 20 s from then, and checks: the line once,
   * the Kafka client's ERROR lines at most once, at most {@link #MOST_LINES} lines in all after the
   * start-up banner, /readyz 503 with the line as its reason.
   */
  private static void assertRefusedFor20Seconds(ExporterProcess exporter, String line)
      throws Exception {
    Await.until(
        Duration.ofSeconds(90),
        () -> exporter.ownLog().contains(line),
        () -> "the line \"" + line + "\" in the log:\n" + exporter.ownLog());
    long start = System.nanoTime();
    // The HTTP server may still be starting when the first refusal comes.
    Await.until(
        Duration.ofSeconds(30), () -> readyzOrNull(exporter) != null, () -> "/readyz answers");
    HttpResponse<String> ready = readyz(exporter);
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).startsWith("not ready: " + line).endsWith("\n").hasLineCount(1);
    Thread.sleep(Math.max(0, WATCH.toMillis() - (System.nanoTime() - start) / 1_000_000));
    String log = exporter.ownLog();
    List<String> ours = log.lines().filter(l -> l.contains(line)).toList();
    // Kafka's loggers, shortened to fit (o.a.k.c.NetworkClient, o.apache.kafka..., in full)
    List<String> kafkaLines =
        log.lines().filter(l -> l.matches("\\S+ \\S+ +\\[.*\\] o(rg)?\\.a(pache)?\\.k.*")).toList();
    List<String> kafkaErrors = kafkaLines.stream().filter(l -> l.contains(" ERROR ")).toList();
    long logged = linesAfterTheBanner(log);
    System.out.printf(
        "%s: over %d s: %d lines in all, %d after the start-up banner, the exporter's line %d time(s), %d Kafka client line(s), of which %d ERROR%n",
        line,
        WATCH.toSeconds(),
        log.lines().count(),
        logged,
        ours.size(),
        kafkaLines.size(),
        kafkaErrors.size());
    assertThat(ours).as(log).hasSize(1);
    // Retries that time out while Kafka refuses are still the refusal, not "not answering".
    assertThat(log.substring(log.indexOf(line)))
        .as(log)
        .doesNotContain("is not answering", "is not reachable");
    assertThat(kafkaErrors).as(log).hasSizeLessThanOrEqualTo(1);
    assertThat(logged).as(log).isLessThanOrEqualTo(MOST_LINES);
    assertThat(log).as("no stack trace printed raw").doesNotContain("Exception in thread");
    assertThat(readyz(exporter).statusCode()).isEqualTo(503);
    assertThat(exporter.isAlive()).isTrue();
  }

  /**
   * The lines of {@code log} after the start-up banner (the first line and the settings it lists,
   * up to the next time-stamped line): its length follows the flags, not the refusal. Counted from
   * the exporter's start, not from its refusal line, as the Kafka client's lines about the refusal
   * come a few milliseconds before it.
   */
  private static long linesAfterTheBanner(String log) {
    List<String> lines = log.lines().toList();
    int banner = 1;
    while (banner < lines.size() && !TIME_STAMPED.matcher(lines.get(banner)).lookingAt()) {
      banner++;
    }
    return lines.size() - banner;
  }

  private static HttpResponse<String> readyzOrNull(ExporterProcess exporter) {
    try {
      return readyz(exporter);
    } catch (AssertionError e) {
      return null;
    }
  }

  private static HttpResponse<String> readyz(ExporterProcess exporter) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + exporter.metricsPort() + "/readyz"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
