package io.flowexporter.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flowexporter.app.kafka.KafkaRefusals.Kind;
import io.flowexporter.app.kafka.KafkaRefusals.Refusal;
import io.flowexporter.broker.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each refusal in the exporter's words, from the exceptions the Kafka client throws. */
class KafkaRefusalsTest {

  private static final String PASSWORD = "pa55-word-never-logged";
  private static final Map<String, String> SASL_SSL =
      Map.of(
          "security.protocol", "SASL_SSL",
          "sasl.mechanism", "SCRAM-SHA-512",
          "sasl.jaas.config",
              "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"flows\" password=\""
                  + PASSWORD
                  + "\";",
          "ssl.truststore.location", "/etc/flow-exporter/ca.p12",
          "ssl.truststore.password", PASSWORD);
  private static final TopicAcls TOPICS =
      new TopicAcls("pmacct.flows", Optional.of("flow-documents"), "flow-exporter");
  private final KafkaRefusals refusals = KafkaRefusals.of(SASL_SSL, "kafka1:9093", TOPICS);

  @Test
  void aWrongPasswordNamesTheUserAndTheMechanism() {
    Refusal r =
        classify(
            new ExecutionException(
                new SaslAuthenticationException(
                    "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")));
    assertThat(r.kind()).isEqualTo(Kind.AUTHENTICATION);
    assertThat(r.message())
        .isEqualTo(
            "Kafka at kafka1:9093 refused authentication for user flows with mechanism SCRAM-SHA-512: check sasl.jaas.config");
  }

  @Test
  void anUntrustedCertificateNamesTheTruststore() {
    Refusal r =
        classify(
            tls(
                new SSLHandshakeException("PKIX path building failed"),
                new CertificateException(
                    "PKIX path building failed",
                    new CertPathBuilderException("unable to find valid certification path"))));
    assertThat(r.kind()).isEqualTo(Kind.UNTRUSTED_CERTIFICATE);
    assertThat(r.message())
        .isEqualTo(
            "Kafka at kafka1:9093 presented a certificate that is not trusted by "
                + "ssl.truststore.location /etc/flow-exporter/ca.p12: it must hold the CA that signed the brokers' certificates");
    assertThat(
            KafkaRefusals.of(Map.of(), "k:1", TOPICS)
                .classify(tls(new SSLHandshakeException("x"), new CertPathBuilderException("y")))
                .get()
                .message())
        .contains("the JVM's default truststore");
  }

  @Test
  void aHostNameMismatchNamesTheHostAndTheCheck() {
    Refusal r =
        classify(
            tls(
                new SSLHandshakeException(
                    "No subject alternative names matching IP address 127.0.0.1 found"),
                new CertificateException(
                    "No subject alternative names matching IP address 127.0.0.1 found")));
    assertThat(r.kind()).isEqualTo(Kind.HOST_NAME_MISMATCH);
    assertThat(r.message())
        .contains(
            "not valid for the host name 127.0.0.1", "ssl.endpoint.identification.algorithm=https");
    assertThat(classify(tls(new SSLHandshakeException("No name matching kafka1 found"))).message())
        .contains("host name kafka1 ");
    assertThat(
            classify(
                    tls(
                        new SSLHandshakeException(
                            "No subject alternative DNS name matching kafka1.example found.")))
                .message())
        .contains("host name kafka1.example (");
  }

  @Test
  void anExpiredCertificateAndOtherHandshakeFailuresAreTls() {
    assertThat(
            classify(
                    tls(
                        new SSLHandshakeException("x"),
                        new CertificateExpiredException("NotAfter: 2020")))
                .kind())
        .isEqualTo(Kind.EXPIRED_CERTIFICATE);
    Refusal other =
        classify(tls(new SSLHandshakeException("Received fatal alert: protocol_version")));
    assertThat(other.kind()).isEqualTo(Kind.TLS);
    assertThat(other.message()).contains("protocol_version", "ssl.*");
  }

  /** The exception chain the JDK's own trust manager gives for an expired broker certificate. */
  @Test
  void anExpiredCertificateCheckedByTheJdkIsExpiredNotUntrusted(@TempDir Path dir)
      throws Exception {
    TestCertificates certificates = TestCertificates.create(dir, List.of("localhost"));
    X509Certificate expired;
    try (InputStream in = Files.newInputStream(certificates.expiredServerCertificate())) {
      expired = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certificates.truststore())) {
      trusted.load(in, certificates.password().toCharArray());
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted);
    X509TrustManager trustManager = (X509TrustManager) factory.getTrustManagers()[0];
    CertificateException refused =
        catchThrowableOfType(
            CertificateException.class,
            () -> trustManager.checkServerTrusted(new X509Certificate[] {expired}, "ECDHE_ECDSA"));
    assertThat(refused).isNotNull();
    SSLHandshakeException handshake = new SSLHandshakeException(refused.getMessage());
    handshake.initCause(refused);
    SslAuthenticationException e = new SslAuthenticationException("SSL handshake failed");
    e.initCause(handshake);

    Refusal r = classify(e);

    assertThat(r.kind()).isEqualTo(Kind.EXPIRED_CERTIFICATE);
    assertThat(r.message()).contains("validity period", "renew");
  }

  @Test
  void aDeniedTopicGroupOrTransactionalIdNamesItAndTheUser() {
    Refusal topic =
        classify(new StreamsException(new TopicAuthorizationException(Set.of("pmacct.flows"))));
    assertThat(topic.kind()).isEqualTo(Kind.AUTHORIZATION);
    assertThat(topic.message())
        .startsWith("Kafka at kafka1:9093 denies user flows access to topic pmacct.flows: ")
        .contains("User:flows");
    assertThat(classify(GroupAuthorizationException.forGroupId("flow-exporter")).message())
        .contains("denies user flows access to group flow-exporter");
    assertThat(classify(new TransactionalIdAuthorizationException("denied")).message())
        .contains("denies user flows its transactional ids");
  }

  @Test
  void aDeniedInputTopicAsksForReadAndDescribe() {
    assertThat(
            classify(new StreamsException(new TopicAuthorizationException(Set.of("pmacct.flows"))))
                .message())
        .isEqualTo(
            "Kafka at kafka1:9093 denies user flows access to topic pmacct.flows: check the ACLs of"
                + " User:flows (READ and DESCRIBE on the input topic)");
  }

  /** The start-up waits for the documents topic as for the input topic, through TopicWaiter. */
  @Test
  void aDeniedDocumentsTopicAsksForWriteAndDescribe() {
    assertThat(classify(new TopicAuthorizationException(Set.of("flow-documents"))).message())
        .isEqualTo(
            "Kafka at kafka1:9093 denies user flows access to topic flow-documents: check the ACLs"
                + " of User:flows (WRITE, DESCRIBE and DESCRIBE_CONFIGS on the documents topic)");
  }

  @Test
  void aDeniedInternalTopicAsksForTheApplicationIdsPrefix() {
    Refusal r =
        classify(
            new StreamsException(
                new TopicAuthorizationException(
                    Set.of(
                        "flow-exporter-series-totals-changelog",
                        "flow-exporter-by-owner-repartition"))));
    assertThat(r.message())
        .startsWith(
            "Kafka at kafka1:9093 denies user flows access to topics"
                + " flow-exporter-by-owner-repartition, flow-exporter-series-totals-changelog: ")
        .endsWith(
            "(ALL on topics prefixed by flow-exporter, where Kafka Streams creates its"
                + " repartition and changelog topics)")
        .doesNotContain("input topic", "documents topic");
  }

  @Test
  void topicsOfDifferentKindsGetEachTheirAclsAndAnUnknownOneAllOfThem() {
    assertThat(
            classify(new TopicAuthorizationException(Set.of("flow-documents", "pmacct.flows")))
                .message())
        .endsWith(
            "(READ and DESCRIBE on the input topic; WRITE, DESCRIBE and DESCRIBE_CONFIGS on the"
                + " documents topic)");
    String everything =
        "(READ and DESCRIBE on the input topic pmacct.flows; WRITE, DESCRIBE and DESCRIBE_CONFIGS"
            + " on the documents topic flow-documents; ALL on topics prefixed by flow-exporter,"
            + " where Kafka Streams creates its repartition and changelog topics)";
    assertThat(classify(new TopicAuthorizationException(Set.of("elsewhere"))).message())
        .endsWith(everything);
    assertThat(classify(new TopicAuthorizationException("denied")).message())
        .contains("access to a topic: ")
        .endsWith(everything);
    assertThat(
            KafkaRefusals.of(
                    SASL_SSL,
                    "k:1",
                    new TopicAcls("pmacct.flows", Optional.empty(), "flow-exporter"))
                .classify(new TopicAuthorizationException("denied"))
                .get()
                .message())
        .doesNotContain("documents");
  }

  @Test
  void theUserIsReadAsKafkaReadsTheJaasLine() {
    String module = "org.apache.kafka.common.security.scram.ScramLoginModule required ";
    for (String option :
        List.of(
            "username=\"alice\"",
            "username='alice'",
            "username=alice",
            "username = alice",
            "/* a comment */ username=alice // another",
            "username=\"bob\" username=alice")) {
      assertThat(user(module + option + " password=\"p\";")).as(option).contains("alice");
    }
    assertThat(user(module + "username=\"a b;c\" password='p';")).contains("a b;c");
    assertThat(user(module + "password=\"p\";")).isEmpty();
    // Not an option of its own: words inside another option's value, or a longer option name.
    assertThat(user(module + "password=\"x username=mallory\";")).isEmpty();
    assertThat(user(module + "oauth.username=mallory;")).isEmpty();
    assertThat(user("not a jaas line")).isEmpty();
  }

  @Test
  void whatIsNoRefusalIsLeftToTheCaller() {
    assertThat(refusals.classify(new TimeoutException("Timed out waiting for a node assignment")))
        .isEmpty();
    assertThat(refusals.classify(new IllegalStateException("x", new RuntimeException()))).isEmpty();
  }

  @Test
  void noMessageHoldsThePasswordOrTheJaasLine() {
    for (Throwable t :
        new Throwable[] {
          new SaslAuthenticationException("bad " + PASSWORD),
          tls(new SSLHandshakeException("x")),
          new TopicAuthorizationException(Set.of("t"))
        }) {
      assertThat(classify(t).message()).doesNotContain(PASSWORD).doesNotContain("ScramLoginModule");
    }
  }

  /** The user that the refusals name, from this JAAS line. */
  private static Optional<String> user(String jaas) {
    String message =
        KafkaRefusals.of(Map.of("sasl.jaas.config", jaas), "k:1", TOPICS)
            .classify(new SaslAuthenticationException("x"))
            .orElseThrow()
            .message();
    String prefix = "Kafka at k:1 refused authentication for user ";
    return message.startsWith(prefix)
        ? Optional.of(message.substring(prefix.length(), message.indexOf(" with mechanism ")))
        : Optional.empty();
  }

  private Refusal classify(Throwable t) {
    Optional<Refusal> r = refusals.classify(t);
    assertThat(r).as("a refusal: " + t).isPresent();
    return r.get();
  }

  /** Kafka's TLS failure around a JDK handshake exception and its causes. */
  static SslAuthenticationException tls(Throwable handshake, Throwable... causes) {
    Throwable last = handshake;
    for (Throwable c : causes) {
      last.initCause(c);
      last = c;
    }
    SslAuthenticationException e = new SslAuthenticationException("SSL handshake failed");
    e.initCause(handshake);
    return e;
  }
}
