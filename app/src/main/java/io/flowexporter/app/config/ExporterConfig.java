package io.flowexporter.app.config;

import io.flowexporter.topology.TopologyConfig;
import io.flowexporter.topology.series.PortFamily;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole configuration of one exporter process, parsed once from flags and environment variables
 * by {@link io.flowexporter.app.ExporterCommand} and validated by the records' compact
 * constructors.
 *
 * @param ports the ports of the port family ({@code --port}), sorted and distinct; empty: no port
 *     family
 * @param documents the flow documents' outputs and filter
 * @param api the flow API, off without a token file
 * @param webTls HTTPS for every endpoint, or plain HTTP
 */
public record ExporterConfig(
    KafkaConfig kafka,
    HttpConfig http,
    AsnDbConfig asnDb,
    TopologyConfig topology,
    CountryConfig countries,
    List<Integer> ports,
    FlowDocumentsConfig documents,
    ApiConfig api,
    WebTlsConfig webTls) {

  public ExporterConfig {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(webTls, "webTls");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(asnDb, "asnDb");
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(countries, "countries");
    Objects.requireNonNull(documents, "documents");
    ports = List.copyOf(new TreeSet<>(ports));
    for (int port : ports) {
      if (port < PortFamily.MIN_PORT || port > PortFamily.MAX_PORT) {
        throw new IllegalArgumentException("port outside 1..65535: " + port);
      }
    }
  }

  /** Without the flow API. */
  public ExporterConfig(
      KafkaConfig kafka,
      HttpConfig http,
      AsnDbConfig asnDb,
      TopologyConfig topology,
      CountryConfig countries,
      List<Integer> ports,
      FlowDocumentsConfig documents) {
    this(
        kafka,
        http,
        asnDb,
        topology,
        countries,
        ports,
        documents,
        ApiConfig.NONE,
        WebTlsConfig.NONE);
  }

  /** Without countries, the port family or flow documents. */
  public ExporterConfig(
      KafkaConfig kafka, HttpConfig http, AsnDbConfig asnDb, TopologyConfig topology) {
    this(kafka, http, asnDb, topology, CountryConfig.NONE, List.of(), FlowDocumentsConfig.NONE);
  }

  /**
   * The effective configuration, one setting per line, for {@code --check} and the start-up log.
   */
  public String describe() {
    return String.join(
        "\n",
        "brokers=" + kafka.brokers(),
        "topic=" + topology.inputTopic(),
        "asn=" + topology.ownAsns(),
        "addr=" + http.host() + ":" + http.port(),
        "application-id=" + kafka.applicationId(),
        "state-dir=" + kafka.stateDir(),
        "processing-guarantee=" + kafka.processingGuarantee().configValue(),
        "from-beginning=" + kafka.fromBeginning(),
        "commit-interval=" + kafka.commitInterval().toMillis() + "ms",
        "standby-replicas=" + kafka.standbyReplicas(),
        "stream-threads="
            + (kafka.streamThreads() == KafkaConfig.AUTO_STREAM_THREADS
                ? "auto"
                : kafka.streamThreads()),
        "sampling-rate=" + topology.defaultSamplingRate(),
        "asn-db=" + asnDb.database().map(Object::toString).orElse("(none)"),
        "asn-names=" + asnDb.names().map(Object::toString).orElse("(none)"),
        "asn-from-ip=" + topology.asnFromIp().name().toLowerCase(Locale.ROOT),
        "max-series=" + topology.maxSeries(),
        "series-ttl=" + Durations.format(topology.seriesTtl()),
        "country-db=" + countries.database().map(Object::toString).orElse("(none)"),
        "port=" + (ports.isEmpty() ? "(none)" : ports),
        "flow-topic=" + documents.topic().orElse("(none)"),
        "flow-log=" + documents.log().map(Object::toString).orElse("(none)"),
        "flow-log-max-size=" + documents.maxSize(),
        "flow-log-max-files=" + documents.maxFiles(),
        "flow-filter=" + documents.filter(),
        "api-token-file=" + api.tokenFile().map(Object::toString).orElse("(none: flow API off)"),
        "api-max-scans=" + api.maxScans(),
        "web-tls-cert=" + webTls.cert().map(Object::toString).orElse("(none: plain HTTP)"),
        "web-tls-key=" + webTls.key().map(Object::toString).orElse("(none)"),
        "kafka-config=" + kafka.clientPropertiesFile().map(Object::toString).orElse("(none)"),
        "kafka-properties=" + maskedClientProperties());
  }

  /**
   * Client properties sorted by key, with secrets (passwords, JAAS configs, keys, tokens,
   * credentials) masked.
   */
  private String maskedClientProperties() {
    return masked(kafka.clientProperties());
  }

  /** Whether a setting's name or text may hold a secret, so that it is never shown. */
  public static boolean mayBeSecret(String text) {
    return text.matches("(?is).*(password|passphrase|jaas|secret|key|token|credential).*");
  }

  /**
   * Properties sorted by key, with secrets (passwords, JAAS configs, keys, tokens, credentials)
   * masked.
   */
  public static String masked(Map<?, ?> properties) {
    StringJoiner j = new StringJoiner(", ", "{", "}");
    Map<String, String> sorted = new TreeMap<>();
    properties.forEach((k, v) -> sorted.put(String.valueOf(k), String.valueOf(v)));
    sorted.forEach((k, v) -> j.add(k + "=" + (hidden(k, v) ? "****" : v)));
    return j.toString();
  }

  /**
   * Whether a property's value is not to be shown: by its name, except where the name only says
   * where or of which type a key store is (a path is what an operator needs to see); or by its
   * text, for a JAAS configuration or a password given under the wrong name (a line of a properties
   * file without its key reads as key {@code org.apache...LoginModule}).
   */
  static boolean hidden(String key, String value) {
    return (mayBeSecret(key) && !key.matches("(?i).*\\.(location|type)"))
        || value.matches(
            "(?is).*(LoginModule|(password|passphrase|secret|token|credential)\\s*[=:]).*");
  }
}
