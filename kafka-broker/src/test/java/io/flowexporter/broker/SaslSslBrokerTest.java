package io.flowexporter.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SASL_SSL broker on a real listener: the right user gets in and, with an ACL, reads and writes
 * its topic; a wrong password, an untrusted CA, a certificate for another name and a topic without
 * an ACL each fail with the client's own exception.
 */
class SaslSslBrokerTest {

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void start() {
    broker =
        EmbeddedKafkaBroker.startSaslSsl(
            SaslSslListener.of(Map.of("alice", "alice-secret")).withAuthorizer());
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aUserWithAnAclWritesAndReadsItsTopicAndNoOther() throws Exception {
    try (Admin admin = admin(broker.superUserProperties())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("allowed", 1, (short) 1), new NewTopic("forbidden", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin
          .createAcls(
              List.of(
                  acl(ResourceType.TOPIC, "allowed", AclOperation.ALL),
                  acl(ResourceType.GROUP, "g", AclOperation.ALL)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Properties p = broker.clientProperties("alice");
    p.put("bootstrap.servers", broker.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>("allowed", "k", "v" + i)).get(30, TimeUnit.SECONDS);
      }
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>("forbidden", "k", "v"))
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("allowed"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < 3 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
    }
    assertThat(values).containsExactly("v0", "v1", "v2");
  }

  @Test
  void aWrongPasswordFailsAuthentication() {
    assertThatThrownBy(() -> listTopics(broker.clientProperties("alice", "not-the-password")))
        .hasCauseInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void anUntrustedCaFailsTheHandshake() {
    Properties p = broker.clientProperties("alice");
    p.put("ssl.truststore.location", broker.certificates().otherTruststore().toString());
    assertThatThrownBy(() -> listTopics(p)).hasCauseInstanceOf(SslAuthenticationException.class);
  }

  @Test
  void aCertificateForAnotherNameFailsTheHostNameCheck() {
    try (EmbeddedKafkaBroker elsewhere =
        EmbeddedKafkaBroker.startSaslSsl(
            SaslSslListener.of(Map.of("alice", "alice-secret"))
                .withServerNames("broker.invalid"))) {
      Properties p = elsewhere.clientProperties("alice");
      p.put("bootstrap.servers", elsewhere.bootstrapServers());
      assertThatThrownBy(() -> listTopicsAt(p))
          .hasCauseInstanceOf(SslAuthenticationException.class);
      p.put("ssl.endpoint.identification.algorithm", "");
      assertThat(listTopicsAt(p)).isEmpty();
    }
  }

  private static AclBinding acl(ResourceType type, String name, AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(type, name, PatternType.LITERAL),
        new AccessControlEntry("User:alice", "*", operation, AclPermissionType.ALLOW));
  }

  private static Admin admin(Properties client) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return Admin.create(p);
  }

  private static Set<String> listTopics(Properties client) throws Exception {
    Properties p = new Properties();
    p.putAll(client);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return listTopicsAt(p);
  }

  private static Set<String> listTopicsAt(Properties p) {
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    try (Admin admin = Admin.create(p)) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
