package io.flowexporter.app.kafka;

import io.flowexporter.app.config.BadFlagException;
import io.flowexporter.app.config.ExporterConfig;
import io.flowexporter.app.config.KafkaConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.network.ChannelBuilder;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka settings of the command line, checked before anything is asked of a broker: broker
 * addresses and topic names in Kafka's form, the client properties read from {@code --kafka-config}
 * and {@code --kafka-property}, and every client setting as Kafka's own config classes and its TLS
 * and SASL set-up will take it. A bad one is a {@link BadFlagException} naming the flag, whose
 * message never shows a value that may be a secret.
 */
public final class KafkaSettingsCheck {

  /** The characters of a Kafka topic name (Kafka's own rule). */
  private static final String TOPIC_CHARACTERS = "[a-zA-Z0-9._-]";

  /** What Kafka's property names are made of. */
  private static final Pattern KAFKA_PROPERTY_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  /** Kafka's 249 characters less the longest internal topic suffix, with room to spare. */
  private static final int MAX_APPLICATION_ID = 200;

  private KafkaSettingsCheck() {}

  /**
   * Lets Kafka's own config classes check every client setting now, so that a malformed value
   * ({@code max.poll.records=abc}) is a bad flag at start-up, not a failure of the stream later.
   */
  public static void check(KafkaConfig kafka) {
    if (kafka.applicationId().isBlank()) {
      throw new BadFlagException("--application-id", "must not be empty");
    }
    // Kafka Streams names its internal topics after the id: it must make valid topic names.
    if (!kafka.applicationId().matches(TOPIC_CHARACTERS + "{1," + MAX_APPLICATION_ID + "}")) {
      throw new BadFlagException(
          "--application-id",
          "'"
              + kafka.applicationId()
              + "' must be 1.."
              + MAX_APPLICATION_ID
              + " letters, digits, '.', '_' or '-': the internal topics are named after it");
    }
    kafka.clientProperties().forEach(KafkaSettingsCheck::checkJaasConfig);
    try {
      StreamsConfig streams = new StreamsConfig(StreamsProperties.of(kafka));
      if ("streams".equalsIgnoreCase(streams.getString(StreamsConfig.GROUP_PROTOCOL_CONFIG))) {
        // Its main consumer is built by Kafka Streams itself, past the exporter's client supplier:
        // no word of a commit or of partitions given up, so totals would not be shown, or shown by
        // two instances after a move.
        throw new BadFlagException(
            "--kafka-property/--kafka-config",
            "group.protocol=streams is not supported; leave group.protocol unset (classic)");
      }
      // Kafka Streams hands the (de)serializers to the client constructors, not in the maps.
      Map<String, Object> consumer =
          new HashMap<>(streams.getMainConsumerConfigs(kafka.applicationId(), "check", 0));
      consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      new ConsumerConfig(consumer);
      Map<String, Object> producer = new HashMap<>(streams.getProducerConfigs("check"));
      producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      new ProducerConfig(producer);
      AdminClientConfig admin = new AdminClientConfig(streams.getAdminConfigs("check"));
      checkSecuritySetUp(admin);
    } catch (ConfigException e) {
      throw new BadFlagException(
          kafka.clientProperties().isEmpty() ? "--brokers" : "--kafka-property/--kafka-config",
          withoutValue(e.getMessage()));
    } catch (IllegalArgumentException e) {
      // StreamsConfig's own cross-checks; the one a flag alone can trip: exactly-once commits
      // less often than its transactions may stay open.
      throw new BadFlagException(
          e.getMessage() != null && e.getMessage().contains("commit interval")
              ? "--commit-interval"
              : "--kafka-property/--kafka-config",
          e.getMessage());
    }
  }

  /**
   * Sets up the clients' TLS and SASL as they will be at start (key and trust stores loaded, the
   * JAAS login made), so that a missing store or a SASL setting without a JAAS configuration is a
   * bad flag now (exit 2, also with --check), not an exception once the broker answers. Not for
   * GSSAPI or OAUTHBEARER, whose login reaches a Kerberos or token server.
   */
  private static void checkSecuritySetUp(AdminClientConfig admin) {
    String protocol = admin.getString(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
    String mechanism = admin.getString(SaslConfigs.SASL_MECHANISM);
    boolean sasl = protocol.startsWith("SASL_");
    if (protocol.equals("PLAINTEXT")
        || (sasl && (mechanism.equals("GSSAPI") || mechanism.equals("OAUTHBEARER")))) {
      return;
    }
    try (ChannelBuilder ignored =
        ClientUtils.createChannelBuilder(admin, Time.SYSTEM, new LogContext())) {
      // built and closed: the stores and the login are usable
    } catch (KafkaException | IllegalArgumentException e) { // the JAAS lookup throws the latter
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new BadFlagException(
          "--kafka-property/--kafka-config",
          protocol
              + (sasl ? " with " + mechanism : "")
              + " cannot be set up: "
              + withoutValue(cause.getMessage() != null ? cause.getMessage() : cause.toString()));
    }
  }

  /**
   * Kafka's "Invalid value V for configuration K" without V, which may be a password or a JAAS
   * configuration: error messages go to the terminal and to logs.
   */
  static String withoutValue(String message) {
    return message == null
        ? null
        : message.replaceFirst(
            "(?s)^Invalid value .* for configuration (\\S+)", "Invalid value for configuration $1");
  }

  public static void checkTopicName(String flag, String name) {
    if (!name.matches(TOPIC_CHARACTERS + "{1,249}") || name.equals(".") || name.equals("..")) {
      throw new BadFlagException(
          flag,
          "'" + name + "' is not a Kafka topic name (1..249 letters, digits, '.', '_' or '-')");
    }
  }

  /**
   * host:port[,host:port...], checked for form only: a name that does not resolve now may later.
   */
  public static void checkBrokers(String brokers) {
    for (String address : brokers.split(",")) {
      String a = address.trim();
      if (a.isEmpty()) {
        continue; // "a:9092," is Kafka's own leniency
      }
      String host;
      Integer port;
      try {
        host = Utils.getHost(a);
        port = Utils.getPort(a);
      } catch (NumberFormatException e) { // a port of more digits than an int has
        host = null;
        port = null;
      }
      if (host == null || host.isEmpty() || port == null || port < 1 || port > 65535) {
        throw new BadFlagException(
            "--brokers", "'" + a + "' is not host:port (e.g. kafka1:9092, [::1]:9092)");
      }
    }
  }

  /** A JAAS configuration that Kafka could not parse, refused now; the message never shows it. */
  private static void checkJaasConfig(String key, String value) {
    // Blank (a template's unused key) or from a config provider (${file:...}): Kafka resolves or
    // ignores it later; only a literal configuration can be checked here.
    if (!key.endsWith(SaslConfigs.SASL_JAAS_CONFIG) || value.isBlank() || value.contains("${")) {
      return;
    }
    try {
      JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(value)));
    } catch (IllegalArgumentException e) {
      throw new BadFlagException(
          "--kafka-property/--kafka-config",
          key
              + ": not a JAAS configuration such as"
              + " org.apache.kafka.common.security.plain.PlainLoginModule required"
              + " username=\"...\" password=\"...\"; (each entry ends with ';')");
    }
  }

  /**
   * The Kafka client properties: those of {@code --kafka-config} (a properties file; null for
   * none), then each {@code --kafka-property KEY=VALUE} over them.
   */
  public static Map<String, String> clientProperties(
      Path kafkaConfig, List<String> kafkaProperties) {
    Map<String, String> props = new LinkedHashMap<>();
    if (kafkaConfig != null) {
      if (!Files.exists(kafkaConfig)) {
        throw new BadFlagException("--kafka-config", kafkaConfig + ": no such file");
      }
      if (Files.isDirectory(kafkaConfig)) {
        throw new BadFlagException("--kafka-config", kafkaConfig + " is a directory");
      }
      Properties file = new Properties();
      try (Reader in = Files.newBufferedReader(kafkaConfig)) {
        file.load(in);
      } catch (IOException e) {
        throw new BadFlagException("--kafka-config", kafkaConfig + ": " + e.getMessage());
      }
      file.stringPropertyNames().forEach(k -> props.put(k, file.getProperty(k).trim()));
    }
    for (String kv : kafkaProperties) {
      // A JAAS configuration or a password typed without its key (or with ':' for '=') is not
      // echoed: the error goes to the terminal and the container's log.
      String got =
          ExporterConfig.mayBeSecret(kv) ? "(not shown: it may hold a secret)" : "'" + kv + "'";
      int eq = kv.indexOf('=');
      if (eq < 1) {
        throw new BadFlagException("--kafka-property", "expected KEY=VALUE, got " + got);
      }
      String key = kv.substring(0, eq).trim();
      if (!KAFKA_PROPERTY_NAME.matcher(key).matches()) {
        throw new BadFlagException(
            "--kafka-property",
            "expected KEY=VALUE with a Kafka property name as KEY (letters, digits, '.', '_',"
                + " '-'), got "
                + got);
      }
      props.put(key, kv.substring(eq + 1).trim());
    }
    return props;
  }
}
