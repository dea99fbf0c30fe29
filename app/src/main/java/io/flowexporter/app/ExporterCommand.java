package io.flowexporter.app;

import ch.qos.logback.core.util.FileSize;
import io.flowexporter.app.config.ApiConfig;
import io.flowexporter.app.config.AsnDbConfig;
import io.flowexporter.app.config.CountryConfig;
import io.flowexporter.app.config.Durations;
import io.flowexporter.app.config.ExporterConfig;
import io.flowexporter.app.config.FlowDocumentsConfig;
import io.flowexporter.app.config.HttpConfig;
import io.flowexporter.app.config.KafkaConfig;
import io.flowexporter.app.config.ProcessingGuarantee;
import io.flowexporter.app.config.WebTlsConfig;
import io.flowexporter.app.kafka.StreamsProperties;
import io.flowexporter.topology.TopologyConfig;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.filter.FlowFilter;
import io.flowexporter.topology.filter.FlowFilterException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The exporter itself: {@code flow-exporter --brokers ... --topic ... --asn ...}. Flags are
 * compatible with the Go flow-exporter; every flag can also be set through an environment variable
 * ({@link EnvironmentDefaults}).
 */
@Command(
    name = "flow-exporter",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Counts pmacct flow records from a Kafka topic per source and destination AS and serves",
      "them to Prometheus as flow_receive_bytes_total and flow_transmit_bytes_total.",
      "Every option can also be set as an environment variable: --asn-db as FLOW_EXPORTER_ASN_DB."
    })
public final class ExporterCommand implements Callable<Integer> {

  /** The longest --series-ttl: a century. */
  static final Duration MAX_SERIES_TTL = Duration.ofDays(36_500);

  @Spec CommandSpec spec;

  @Option(
      names = "--brokers",
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers (required).")
  String brokers;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description = "Topic that pmacct writes JSON to (required).")
  String topic;

  @Option(
      names = "--asn",
      split = ",",
      paramLabel = "ASN",
      converter = AsnNumbers.class,
      description = "Your own AS number(s); repeatable and comma-separated (required).")
  List<Long> asns = new ArrayList<>();

  @Option(
      names = "--addr",
      paramLabel = "[HOST]:PORT",
      defaultValue = ":9590",
      description =
          "Listen address for /metrics, the console and the flow API (default:"
              + " ${DEFAULT-VALUE}).")
  String addr;

  @Option(
      names = "--asn-db",
      paramLabel = "FILE",
      description = "MaxMind-format .mmdb AS database (GeoLite2-ASN, DB-IP ASN Lite, IPinfo ASN).")
  Path asnDb;

  @Option(
      names = "--asn-names",
      paramLabel = "FILE",
      description = "CSV of 'asn,name' lines that override database names.")
  Path asnNames;

  @Option(
      names = "--asn-from-ip",
      paramLabel = "auto|never",
      defaultValue = "auto",
      description =
          "Look up the AS of ip_src/ip_dst where pmacct reports AS 0 or 23456 (AS_TRANS)"
              + " (default: ${DEFAULT-VALUE}).")
  String asnFromIp;

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      defaultValue = "flow-exporter",
      description = "Kafka Streams application id and consumer group (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Directory for the state stores (default: <tmpdir>/flow-exporter).")
  Path stateDir;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description = "Properties file for the Kafka clients (SASL, TLS, ...).")
  Path kafkaConfig;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description = "A Kafka client property; repeatable; wins over --kafka-config.")
  List<String> kafkaProperties = new ArrayList<>();

  // The boolean flags take an optional value (--from-beginning=false) and mean true when given
  // bare: picocli would otherwise set a flag to the opposite of its default, so that the flag given
  // with FLOW_EXPORTER_FROM_BEGINNING=true turned it off.
  @Option(
      names = "--from-beginning",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description =
          "A new consumer group, or a new --topic for one, starts at the oldest record (default:"
              + " the newest).")
  boolean fromBeginning;

  @Option(
      names = "--sampling-rate",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Multiplier for records without sampling_rate or with 0 (unknown to pmacct)"
              + " (default: ${DEFAULT-VALUE}).")
  long samplingRate;

  @Option(
      names = "--processing-guarantee",
      paramLabel = "exactly_once_v2|at_least_once",
      defaultValue = "exactly_once_v2",
      description = "Default: ${DEFAULT-VALUE}.")
  String processingGuarantee;

  @Option(
      names = "--commit-interval",
      paramLabel = "MS",
      defaultValue = "1000",
      description = "Commit interval in ms: how fresh /metrics is (default: ${DEFAULT-VALUE}).")
  long commitIntervalMs;

  @Option(
      names = "--standby-replicas",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Standby copies of each partition's totals on other instances (default: ${DEFAULT-VALUE}).")
  int standbyReplicas;

  @Option(
      names = "--stream-threads",
      paramLabel = "N|auto",
      defaultValue = "auto",
      description =
          "Stream threads in this process; auto: the processors the JVM sees, at most the input topic's partitions (default: ${DEFAULT-VALUE}).")
  String streamThreads;

  @Option(
      names = "--max-series",
      paramLabel = "N",
      defaultValue = "200000",
      description =
          "Series one family may hold; later label sets count into its 'other' series (default: ${DEFAULT-VALUE}).")
  int maxSeries;

  @Option(
      names = "--series-ttl",
      paramLabel = "DURATION",
      defaultValue = "30d",
      description =
          "Drop series without traffic for this long, e.g. 30d, 12h (default: ${DEFAULT-VALUE}).")
  String seriesTtl;

  @Option(
      names = "--country-db",
      paramLabel = "FILE",
      description =
          "Country .mmdb (GeoLite2-Country/City, DB-IP country/city lite, IPinfo Lite); counts flow_country_*_total.")
  Path countryDb;

  @Option(
      names = "--port",
      split = ",",
      paramLabel = "PORT",
      converter = PortNumbers.class,
      description =
          "Count traffic from or to these ports (1..65535) as flow_port_* series; repeatable and comma-separated.")
  List<Integer> ports = new ArrayList<>();

  @Option(
      names = "--flow-topic",
      paramLabel = "TOPIC",
      description =
          "Also produce each counted flow as an ECS JSON document to this topic, exactly once with the counting (at least once under --processing-guarantee at_least_once).")
  String flowTopic;

  @Option(
      names = "--flow-log",
      paramLabel = "FILE",
      description =
          "Also append each counted flow as an ECS JSON document (one per line) to this file.")
  Path flowLog;

  @Option(
      names = "--flow-log-max-size",
      paramLabel = "SIZE",
      defaultValue = "100MB",
      description =
          "Rotate the flow log past this size, 1KB..256MB, e.g. 100MB, 512KB (default:"
              + " ${DEFAULT-VALUE}).")
  String flowLogMaxSize;

  @Option(
      names = "--flow-log-max-files",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Rotated, gzip-compressed flow log files kept, 1..20 (default: ${DEFAULT-VALUE}).")
  int flowLogMaxFiles;

  @Option(
      names = "--flow-filter",
      paramLabel = "QUERY",
      description =
          "Only flows that match become documents, e.g. 'port=443&proto=tcp&net=192.0.2.0/24'.")
  String flowFilter;

  @Option(
      names = "--api-token-file",
      paramLabel = "FILE",
      description = {
        "Serve the flow API (/api/v1/flows/tap, /api/v1/flows/search) to the bearer tokens in FILE ('name:token' lines, at least 16 characters; reloaded on change). Off without it.",
        "Flows hold personal data (IP addresses): see docs/flows-api.md#personal-data."
      })
  Path apiTokenFile;

  @Option(
      names = "--api-max-scans",
      paramLabel = "N",
      defaultValue = "4",
      description =
          "Flow API scans at a time on this instance; one more answers 429 (default: ${DEFAULT-VALUE}).")
  int apiMaxScans;

  @Option(
      names = "--web-tls-cert",
      paramLabel = "FILE",
      description =
          "Serve every endpoint over HTTPS with this PEM certificate chain (with --web-tls-key); reloaded on change.")
  Path webTlsCert;

  @Option(
      names = "--web-tls-key",
      paramLabel = "FILE",
      description = "The unencrypted PEM private key of --web-tls-cert (PKCS#8, PKCS#1 or SEC1).")
  Path webTlsKey;

  @Option(
      names = "--check",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description = "Print the effective configuration and exit.")
  boolean check;

  @Override
  public Integer call() throws Exception {
    ExporterConfig config = toConfig();
    if (check) {
      spec.commandLine().getOut().println(config.describe());
      // What Kafka Streams gets: the exporter's defaults, then the given properties, then the
      // flags (which win); stream-threads=auto counts as one until the topic is looked up.
      spec.commandLine()
          .getOut()
          .println(
              "kafka-effective=" + ExporterConfig.masked(StreamsProperties.of(config.kafka())));
      return 0;
    }
    // Before any connection: a state directory that cannot be made would fail the stream later.
    try {
      Files.createDirectories(config.kafka().stateDir());
    } catch (IOException | RuntimeException e) {
      throw fail("--state-dir", config.kafka().stateDir() + ": cannot be created (" + e + ")");
    }
    if (!Files.isWritable(config.kafka().stateDir())) {
      throw fail("--state-dir", config.kafka().stateDir() + ": not writable");
    }
    // Ctrl-C or SIGTERM: close in order and exit 0; other exits still close through the hook.
    // Installed before the start, which takes a second or two: a signal then (a rolling update, a
    // docker stop) is kept and served once the exporter exists, instead of the JVM's exit 143 that
    // would skip leaving the consumer group and the stores' clean close.
    AtomicReference<Exporter> started = new AtomicReference<>();
    AtomicBoolean stopAsked = new AtomicBoolean();
    Runnable stop =
        () -> {
          stopAsked.set(true);
          Exporter e = started.get();
          if (e != null) {
            e.close();
          }
        };
    ShutdownSignals.install(() -> new Thread(stop, "flow-exporter-shutdown").start());
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "flow-exporter-shutdown-hook"));
    try (Exporter exporter = Exporter.start(config)) {
      started.set(exporter);
      if (stopAsked.get()) {
        exporter.close();
      }
      exporter.awaitShutdown();
      return exporter.failed() ? 1 : 0;
    } catch (StartupFlagException e) {
      throw fail(e.flag(), e.getMessage());
    }
  }

  /** Turns the flags into the validated configuration; a bad flag is a ParameterException. */
  ExporterConfig toConfig() {
    if (brokers == null || brokers.isBlank()) {
      throw fail(
          "--brokers", "missing; set --brokers or " + EnvironmentDefaults.variableFor("--brokers"));
    }
    if (topic == null || topic.isBlank()) {
      throw fail(
          "--topic", "missing; set --topic or " + EnvironmentDefaults.variableFor("--topic"));
    }
    checkBrokerAddresses();
    checkTopicName("--topic", topic.trim());
    if (asns.isEmpty()) {
      throw fail("--asn", "missing; give your own AS number(s), e.g. --asn 64500");
    }
    HttpConfig http;
    try {
      http = HttpConfig.parse(addr);
    } catch (IllegalArgumentException e) {
      throw fail("--addr", e.getMessage());
    }
    if (samplingRate < 1) {
      throw fail("--sampling-rate", "must be at least 1, got " + samplingRate);
    }
    if (commitIntervalMs < 1) {
      throw fail("--commit-interval", "must be at least 1 ms, got " + commitIntervalMs);
    }
    if (standbyReplicas < 0) {
      throw fail("--standby-replicas", "must not be negative");
    }
    int threads = streamThreads();
    if (threads < 0) {
      throw fail(
          "--stream-threads",
          "must be 'auto' or a number of at least 1, got '" + streamThreads + "'");
    }
    if (maxSeries < 1) {
      throw fail("--max-series", "must be at least 1, got " + maxSeries);
    }
    Duration ttl;
    try {
      ttl = Durations.parse(seriesTtl);
    } catch (IllegalArgumentException e) {
      throw fail("--series-ttl", e.getMessage());
    }
    if (ttl.compareTo(MAX_SERIES_TTL) > 0) {
      // Held as milliseconds by the owner's expiry; a century is "never" for a flow counter.
      throw fail(
          "--series-ttl",
          "must be at most " + MAX_SERIES_TTL.toDays() + "d (a century), got '" + seriesTtl + "'");
    }
    // Only existence here (also for --check); the loaders say what else is wrong with a file.
    if (asnDb != null && !Files.exists(asnDb)) {
      throw fail("--asn-db", asnDb + ": no such file");
    }
    if (asnNames != null && !Files.exists(asnNames)) {
      throw fail("--asn-names", asnNames + ": no such file");
    }
    if (countryDb != null && !Files.exists(countryDb)) {
      throw fail("--country-db", countryDb + ": no such file");
    }
    KafkaConfig kafka =
        new KafkaConfig(
            brokers.trim(),
            applicationId,
            stateDir != null
                ? stateDir
                : Path.of(System.getProperty("java.io.tmpdir"), "flow-exporter"),
            enumFlag("--processing-guarantee", processingGuarantee, ProcessingGuarantee.class),
            fromBeginning,
            Duration.ofMillis(commitIntervalMs),
            standbyReplicas,
            threads,
            clientProperties(),
            Optional.ofNullable(kafkaConfig));
    validateKafkaSettings(kafka);
    TopologyConfig topology =
        new TopologyConfig(
            topic.trim(),
            asns,
            enumFlag("--asn-from-ip", asnFromIp, AsnFromIp.class),
            samplingRate,
            maxSeries,
            ttl);
    AsnDbConfig asn =
        new AsnDbConfig(
            Optional.ofNullable(asnDb), Optional.ofNullable(asnNames), Duration.ofSeconds(10));
    CountryConfig countries =
        new CountryConfig(Optional.ofNullable(countryDb), Duration.ofSeconds(10));
    return new ExporterConfig(
        kafka, http, asn, topology, countries, ports, flowDocuments(), api(), webTls());
  }

  private WebTlsConfig webTls() {
    if ((webTlsCert == null) != (webTlsKey == null)) {
      throw fail(
          webTlsCert == null ? "--web-tls-cert" : "--web-tls-key",
          "--web-tls-cert and --web-tls-key go together");
    }
    if (webTlsCert != null && !Files.isRegularFile(webTlsCert)) {
      throw fail("--web-tls-cert", webTlsCert + ": no such file");
    }
    if (webTlsKey != null && !Files.isRegularFile(webTlsKey)) {
      throw fail("--web-tls-key", webTlsKey + ": no such file");
    }
    return new WebTlsConfig(Optional.ofNullable(webTlsCert), Optional.ofNullable(webTlsKey));
  }

  private ApiConfig api() {
    if (apiTokenFile != null && !Files.isRegularFile(apiTokenFile)) {
      throw fail("--api-token-file", apiTokenFile + ": no such file");
    }
    if (apiMaxScans < 1) {
      throw fail("--api-max-scans", "must be at least 1, got " + apiMaxScans);
    }
    return new ApiConfig(Optional.ofNullable(apiTokenFile), apiMaxScans);
  }

  /**
   * {@code --stream-threads}: {@link KafkaConfig#AUTO_STREAM_THREADS} for auto, -1 when not a valid
   * value.
   */
  private int streamThreads() {
    String value = streamThreads.trim();
    if (value.equalsIgnoreCase("auto")) {
      return KafkaConfig.AUTO_STREAM_THREADS;
    }
    try {
      int n = Integer.parseInt(value);
      return n >= 1 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private FlowDocumentsConfig flowDocuments() {
    if (flowTopic != null) {
      checkTopicName("--flow-topic", flowTopic.trim());
      // The documents would come back as input, each one an invalid record.
      if (flowTopic.trim().equals(topic.trim())) {
        throw fail(
            "--flow-topic", flowTopic.trim() + " is the input topic (--topic); name another");
      }
    }
    if (flowLog != null && Files.isDirectory(flowLog)) {
      throw fail("--flow-log", flowLog + " is a directory");
    }
    Path flowLogDir = flowLog == null ? null : flowLog.toAbsolutePath().getParent();
    if (flowLogDir != null && Files.exists(flowLogDir) && !Files.isDirectory(flowLogDir)) {
      throw fail("--flow-log", flowLogDir + " is not a directory");
    }
    long maxSize;
    try {
      maxSize = FileSize.valueOf(flowLogMaxSize.trim()).getSize();
    } catch (IllegalArgumentException e) {
      throw fail(
          "--flow-log-max-size", "'" + flowLogMaxSize + "' is not a size such as 100MB or 512KB");
    }
    if (maxSize < FlowDocumentsConfig.MIN_MAX_SIZE || maxSize > FlowDocumentsConfig.MAX_MAX_SIZE) {
      // Above: the compression of a rotated file would hold the counting's transaction too long.
      throw fail("--flow-log-max-size", "must be 1KB..256MB, got " + flowLogMaxSize);
    }
    if (flowLogMaxFiles < 1 || flowLogMaxFiles > FlowDocumentsConfig.MAX_MAX_FILES) {
      throw fail("--flow-log-max-files", "must be 1..20, got " + flowLogMaxFiles);
    }
    FlowFilter filter;
    try {
      filter = FlowFilter.parse(flowFilter);
    } catch (FlowFilterException e) {
      throw fail("--flow-filter", e.getMessage());
    }
    if (filter.onlyUnmatched()) {
      throw fail(
          "--flow-filter",
          "direction=unmatched selects no document: flows that are not yours are never written");
    }
    return new FlowDocumentsConfig(
        Optional.ofNullable(flowTopic).map(String::trim),
        Optional.ofNullable(flowLog),
        maxSize,
        flowLogMaxFiles,
        filter);
  }

  /**
   * Lets Kafka's own config classes check every client setting now, so that a malformed value
   * ({@code max.poll.records=abc}) is a bad flag at start-up, not a failure of the stream later.
   */
  private void validateKafkaSettings(KafkaConfig kafka) {
    if (kafka.applicationId().isBlank()) {
      throw fail("--application-id", "must not be empty");
    }
    // Kafka Streams names its internal topics after the id: it must make valid topic names.
    if (!kafka.applicationId().matches(TOPIC_CHARACTERS + "{1," + MAX_APPLICATION_ID + "}")) {
      throw fail(
          "--application-id",
          "'"
              + kafka.applicationId()
              + "' must be 1.."
              + MAX_APPLICATION_ID
              + " letters, digits, '.', '_' or '-': the internal topics are named after it");
    }
    kafka.clientProperties().forEach(this::checkJaasConfig);
    try {
      StreamsConfig streams = new StreamsConfig(StreamsProperties.of(kafka));
      if ("streams".equalsIgnoreCase(streams.getString(StreamsConfig.GROUP_PROTOCOL_CONFIG))) {
        // Its main consumer is built by Kafka Streams itself, past the exporter's client supplier:
        // no word of a commit or of partitions given up, so totals would not be shown, or shown by
        // two instances after a move.
        throw fail(
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
      throw fail(
          kafka.clientProperties().isEmpty() ? "--brokers" : "--kafka-property/--kafka-config",
          withoutValue(e.getMessage()));
    } catch (IllegalArgumentException e) {
      // StreamsConfig's own cross-checks; the one a flag alone can trip: exactly-once commits
      // less often than its transactions may stay open.
      throw fail(
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
  private void checkSecuritySetUp(AdminClientConfig admin) {
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
      throw fail(
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

  /** The characters of a Kafka topic name (Kafka's own rule). */
  private static final String TOPIC_CHARACTERS = "[a-zA-Z0-9._-]";

  /** What Kafka's property names are made of. */
  private static final java.util.regex.Pattern KAFKA_PROPERTY_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

  /** Kafka's 249 characters less the longest internal topic suffix, with room to spare. */
  private static final int MAX_APPLICATION_ID = 200;

  private void checkTopicName(String flag, String name) {
    if (!name.matches(TOPIC_CHARACTERS + "{1,249}") || name.equals(".") || name.equals("..")) {
      throw fail(
          flag,
          "'" + name + "' is not a Kafka topic name (1..249 letters, digits, '.', '_' or '-')");
    }
  }

  /**
   * host:port[,host:port...], checked for form only: a name that does not resolve now may later.
   */
  private void checkBrokerAddresses() {
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
        throw fail("--brokers", "'" + a + "' is not host:port (e.g. kafka1:9092, [::1]:9092)");
      }
    }
  }

  /** A JAAS configuration that Kafka could not parse, refused now; the message never shows it. */
  private void checkJaasConfig(String key, String value) {
    // Blank (a template's unused key) or from a config provider (${file:...}): Kafka resolves or
    // ignores it later; only a literal configuration can be checked here.
    if (!key.endsWith(SaslConfigs.SASL_JAAS_CONFIG) || value.isBlank() || value.contains("${")) {
      return;
    }
    try {
      JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(value)));
    } catch (IllegalArgumentException e) {
      throw fail(
          "--kafka-property/--kafka-config",
          key
              + ": not a JAAS configuration such as"
              + " org.apache.kafka.common.security.plain.PlainLoginModule required"
              + " username=\"...\" password=\"...\"; (each entry ends with ';')");
    }
  }

  private Map<String, String> clientProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    if (kafkaConfig != null) {
      if (!Files.exists(kafkaConfig)) {
        throw fail("--kafka-config", kafkaConfig + ": no such file");
      }
      if (Files.isDirectory(kafkaConfig)) {
        throw fail("--kafka-config", kafkaConfig + " is a directory");
      }
      Properties file = new Properties();
      try (Reader in = Files.newBufferedReader(kafkaConfig)) {
        file.load(in);
      } catch (IOException e) {
        throw fail("--kafka-config", kafkaConfig + ": " + e.getMessage());
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
        throw fail("--kafka-property", "expected KEY=VALUE, got " + got);
      }
      String key = kv.substring(0, eq).trim();
      if (!KAFKA_PROPERTY_NAME.matcher(key).matches()) {
        throw fail(
            "--kafka-property",
            "expected KEY=VALUE with a Kafka property name as KEY (letters, digits, '.', '_',"
                + " '-'), got "
                + got);
      }
      props.put(key, kv.substring(eq + 1).trim());
    }
    return props;
  }

  private <E extends Enum<E>> E enumFlag(String flag, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.trim())) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw fail(flag, "'" + value + "' is not one of " + String.join(", ", allowed));
  }

  private ParameterException fail(String flag, String message) {
    return badFlag(spec.commandLine(), flag, message);
  }

  /**
   * A bad value of {@code flag}, worded as picocli words its own: exit status 2 with this message
   * ({@link Main}); for the demo's subcommands too.
   */
  public static ParameterException badFlag(CommandLine command, String flag, String message) {
    return new ParameterException(command, "Invalid value for option '" + flag + "': " + message);
  }
}
