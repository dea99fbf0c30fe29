package io.flowexporter.app.it;

import io.flowexporter.broker.EmbeddedKafkaBroker;
import io.flowexporter.broker.SaslSslListener;
import io.flowexporter.generator.FreshTopics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real KRaft broker whose client listener speaks SASL_SSL only (SCRAM-SHA-512, a private CA, ACLs
 * checked), shared by the tests of one class. The test's own set-up (topics, records, ACLs) runs as
 * the broker's super user; the exporter runs as one of {@code users}, through a {@code
 * --kafka-config} file ({@link #writeClientConfig}).
 */
public final class SaslSslBroker implements BeforeAllCallback, AfterAllCallback {

  private final SaslSslListener listener;
  private EmbeddedKafkaBroker broker;

  public SaslSslBroker(Map<String, String> users) {
    this.listener = SaslSslListener.of(users).withAuthorizer();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = EmbeddedKafkaBroker.startSaslSsl(listener);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) {
      broker.close();
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  /** The client properties of {@code user}, as a {@code --kafka-config} file. */
  public Path writeClientConfig(Path file, Properties client) {
    try (OutputStream out = Files.newOutputStream(file)) {
      client.store(out, null);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the exporter jar against this broker at {@code brokers} with {@code client}'s settings
   * as its {@code --kafka-config}, counting {@code topic} from the beginning under {@code app};
   * {@code moreFlags} come last.
   */
  public ExporterProcess startExporter(
      Path dir, String brokers, String topic, String app, Properties client, String... moreFlags) {
    Path kafkaConfig = writeClientConfig(dir.resolve("kafka.properties"), client);
    List<String> args =
        new ArrayList<>(
            List.of(
                ExporterArgs.fromTheBeginning(
                    brokers,
                    topic,
                    dir.resolve("state"),
                    app,
                    "--commit-interval",
                    "300",
                    "--kafka-config",
                    kafkaConfig.toString())));
    args.addAll(List.of(moreFlags));
    return ExporterProcess.start(
        dir.resolve("exporter.log"), Map.of(), args.toArray(String[]::new));
  }

  /** Creates a topic as the super user and waits for its leaders. */
  public void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
      FreshTopics.awaitLeaders(admin, topic, partitions);
    }
  }

  /** Allows {@code user} the operation on the resources named {@code name} (or starting so). */
  public void allow(
      String user, ResourceType type, String name, PatternType pattern, AclOperation... operations)
      throws Exception {
    List<AclBinding> acls = new ArrayList<>();
    for (AclOperation op : operations) {
      acls.add(
          new AclBinding(
              new ResourcePattern(type, name, pattern),
              new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)));
    }
    try (Admin admin = admin()) {
      admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
    }
  }

  /**
   * What a Kafka Streams application needs besides reading its input topic: its internal topics,
   * its group and its transactional ids (all prefixed by the application id), idempotent writes.
   */
  public void allowStreamsApplication(String user, String applicationId) throws Exception {
    allow(user, ResourceType.TOPIC, applicationId, PatternType.PREFIXED, AclOperation.ALL);
    allow(user, ResourceType.GROUP, applicationId, PatternType.PREFIXED, AclOperation.ALL);
    allow(
        user, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, AclOperation.ALL);
    allow(
        user,
        ResourceType.CLUSTER,
        "kafka-cluster",
        PatternType.LITERAL,
        AclOperation.IDEMPOTENT_WRITE,
        AclOperation.DESCRIBE);
  }

  /** Sends messages as the super user, waiting for every ack. */
  public void produce(String topic, Iterable<String> values) throws Exception {
    Properties p = broker.superUserProperties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"); // see Topics.producer
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      int i = 0;
      for (String value : values) {
        acks.add(producer.send(new ProducerRecord<>(topic, Integer.toString(i++), value)));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
  }

  /** {@code count} generator messages. */
  public void produce(String topic, PmacctRecords records, int count) throws Exception {
    List<String> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(records.nextMessage());
    }
    produce(topic, values);
  }

  /**
   * The committed values of {@code topic} (read as the super user with {@code
   * isolation.level=read_committed}) once there are at least {@code atLeast}, and whatever came
   * with them within two more seconds; fails after a minute with fewer.
   */
  public List<String> readCommitted(String topic, int atLeast) {
    Properties p = broker.superUserProperties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = Topics.partitions(c, topic);
      c.assign(parts);
      c.seekToBeginning(parts);
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
              values.add(r.value());
            }
            return values.size() >= atLeast;
          },
          () -> topic + " holds " + values.size() + " committed records, expected " + atLeast);
      for (ConsumerRecord<String, String> r : c.poll(Duration.ofSeconds(2))) {
        values.add(r.value());
      }
    }
    return values;
  }

  private Admin admin() {
    Properties p = broker.superUserProperties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    return Admin.create(p);
  }
}
