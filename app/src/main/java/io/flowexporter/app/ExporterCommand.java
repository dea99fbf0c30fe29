package io.flowexporter.app;

import ch.qos.logback.core.util.FileSize;
import io.flowexporter.app.config.ApiConfig;
import io.flowexporter.app.config.AsnDbConfig;
import io.flowexporter.app.config.BadFlagException;
import io.flowexporter.app.config.CountryConfig;
import io.flowexporter.app.config.Durations;
import io.flowexporter.app.config.ExporterConfig;
import io.flowexporter.app.config.FlowDocumentsConfig;
import io.flowexporter.app.config.HttpConfig;
import io.flowexporter.app.config.KafkaConfig;
import io.flowexporter.app.config.ProcessingGuarantee;
import io.flowexporter.app.config.WebTlsConfig;
import io.flowexporter.app.kafka.KafkaSettingsCheck;
import io.flowexporter.app.kafka.StreamsProperties;
import io.flowexporter.topology.TopologyConfig;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.filter.FlowFilter;
import io.flowexporter.topology.filter.FlowFilterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line, {@code flow-exporter --brokers ... --topic ... --asn ...}: its flags checked
 * once into an {@link ExporterConfig} (a bad one is exit status 2, naming it), then the {@link
 * Exporter} run until a signal stops it. Flags are compatible with the Go flow-exporter; every flag
 * can also be set through an environment variable ({@link EnvironmentDefaults}).
 */
@Command(
    name = "flow-exporter",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    // One element a paragraph: picocli wraps each to the terminal's width.
    description = {
      "Counts pmacct flow records from a Kafka topic per source and destination AS (and per"
          + " country with --country-db, per port with --port) and serves them to Prometheus as"
          + " flow_receive_bytes_total, flow_transmit_bytes_total and their kin; can also write"
          + " every flow as an ECS document (--flow-log, --flow-topic) and serve a flow tap and"
          + " search (--api-token-file). A console is served at / on the --addr port.",
      "Every option can also be set as an environment variable: --asn-db as FLOW_EXPORTER_ASN_DB."
    })
public final class ExporterCommand implements Callable<Integer> {

  /** The longest --series-ttl: a century. */
  private static final Duration MAX_SERIES_TTL = Duration.ofDays(36_500);

  /**
   * The shortest --series-ttl. A series dropped while its traffic merely paused comes back from
   * zero, which Prometheus takes for a counter reset; below a minute that would be the rule, not a
   * rare case.
   */
  private static final Duration MIN_SERIES_TTL = Duration.ofMinutes(1);

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
    try {
      return checkedConfig();
    } catch (BadFlagException e) {
      throw fail(e.flag(), e.getMessage());
    }
  }

  private ExporterConfig checkedConfig() {
    if (brokers == null || brokers.isBlank()) {
      throw fail(
          "--brokers", "missing; set --brokers or " + EnvironmentDefaults.variableFor("--brokers"));
    }
    if (topic == null || topic.isBlank()) {
      throw fail(
          "--topic", "missing; set --topic or " + EnvironmentDefaults.variableFor("--topic"));
    }
    KafkaSettingsCheck.checkBrokers(brokers);
    KafkaSettingsCheck.checkTopicName("--topic", topic.trim());
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
    if (ttl.compareTo(MIN_SERIES_TTL) < 0) {
      throw fail(
          "--series-ttl",
          "must be at least 1m (a series dropped between two of its flows starts again from zero,"
              + " a counter reset to Prometheus), got '"
              + seriesTtl
              + "'");
    }
    // Only that each is a file here (also for --check); the loaders say what else is wrong.
    requireFile("--asn-db", asnDb);
    requireFile("--asn-names", asnNames);
    requireFile("--country-db", countryDb);
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
            KafkaSettingsCheck.clientProperties(kafkaConfig, kafkaProperties),
            Optional.ofNullable(kafkaConfig));
    KafkaSettingsCheck.check(kafka);
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
    requireFile("--web-tls-cert", webTlsCert);
    requireFile("--web-tls-key", webTlsKey);
    return new WebTlsConfig(Optional.ofNullable(webTlsCert), Optional.ofNullable(webTlsKey));
  }

  private ApiConfig api() {
    requireFile("--api-token-file", apiTokenFile);
    try {
      return new ApiConfig(Optional.ofNullable(apiTokenFile), apiMaxScans);
    } catch (IllegalArgumentException e) {
      throw fail("--api-max-scans", e.getMessage()); // the one value it checks
    }
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
      KafkaSettingsCheck.checkTopicName("--flow-topic", flowTopic.trim());
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
      throw fail(
          "--flow-log-max-size",
          "must be "
              + FlowDocumentsConfig.MIN_MAX_SIZE / 1024
              + "KB.."
              + FlowDocumentsConfig.MAX_MAX_SIZE / (1024 * 1024)
              + "MB, got "
              + flowLogMaxSize);
    }
    if (flowLogMaxFiles < 1 || flowLogMaxFiles > FlowDocumentsConfig.MAX_MAX_FILES) {
      throw fail(
          "--flow-log-max-files",
          "must be 1.." + FlowDocumentsConfig.MAX_MAX_FILES + ", got " + flowLogMaxFiles);
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

  /** A file a flag names, if given, is there and is a file (not a directory). */
  private void requireFile(String flag, Path file) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw fail(flag, file + " is a directory");
    }
    if (!Files.exists(file)) {
      throw fail(flag, file + ": no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw fail(flag, file + " is not a regular file");
    }
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
