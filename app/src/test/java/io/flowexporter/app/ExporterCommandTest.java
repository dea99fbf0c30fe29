package io.flowexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.config.KafkaConfig;
import io.flowexporter.app.config.ProcessingGuarantee;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: flags, environment variables, exit statuses and messages. */
class ExporterCommandTest {

  private final CapturedCommandLine cli = new CapturedCommandLine(Main::commandLine);

  private static final String[] REQUIRED = {
    "--brokers", "k1:9092,k2:9092", "--topic", "pmacct", "--asn", "64500"
  };

  private String[] with(String... more) {
    String[] all = new String[REQUIRED.length + more.length + 1];
    System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
    System.arraycopy(more, 0, all, REQUIRED.length, more.length);
    all[all.length - 1] = "--check";
    return all;
  }

  @Test
  void checkPrintsTheEffectiveConfigurationWithGoCompatibleDefaults() {
    assertThat(cli.run(with("--asn", "AS4200000001,65001"))).isZero();
    assertThat(cli.out())
        .contains(
            "brokers=k1:9092,k2:9092",
            "topic=pmacct",
            "asn=[64500, 4200000001, 65001]",
            "addr=:9590",
            "application-id=flow-exporter",
            "processing-guarantee=exactly_once_v2",
            "from-beginning=false",
            "sampling-rate=1",
            "asn-from-ip=auto",
            "max-series=200000",
            "series-ttl=30d");
  }

  @Test
  void boundAndExpiryOfSeriesAreFlags() {
    assertThat(cli.run(with("--max-series", "5000", "--series-ttl", "36h"))).isZero();
    assertThat(cli.out()).contains("max-series=5000", "series-ttl=36h");
    assertThat(cli.run(with("--series-ttl", "PT90M"))).isZero();
    assertThat(cli.out()).contains("series-ttl=90m");
    assertThat(cli.run(with("--series-ttl", "36500d"))).isZero();
    // Above a century: refused at the edge, not an owner task failing at start.
    assertThat(cli.run(with("--series-ttl", "999999999999d"))).isEqualTo(2);
    assertThat(cli.err()).contains("--series-ttl", "36500d");
  }

  @Test
  void portsAreRepeatableAndCommaSeparatedAndComeFromTheEnvironment() {
    assertThat(cli.run(with())).isZero();
    assertThat(cli.out()).contains("port=(none)");
    assertThat(cli.run(with("--port", "5432,443", "--port", "53", "--port", "443"))).isZero();
    assertThat(cli.out()).contains("port=[53, 443, 5432]");
    assertThat(cli.run(Map.of("FLOW_EXPORTER_PORT", "1,65535"), with())).isZero();
    assertThat(cli.out()).contains("port=[1, 65535]");
  }

  @Test
  void aKubernetesServiceLinkInFlowExporterPortIsNotTakenForPorts() {
    // What a pod gets for a Service named flow-exporter in its namespace.
    Map<String, String> kubernetes =
        Map.of(
            "FLOW_EXPORTER_PORT", "tcp://10.96.0.7:9590",
            "FLOW_EXPORTER_PORT_9590_TCP", "tcp://10.96.0.7:9590",
            "FLOW_EXPORTER_SERVICE_HOST", "10.96.0.7",
            "FLOW_EXPORTER_SERVICE_PORT", "9590");
    assertThat(cli.run(kubernetes, with())).isZero();
    assertThat(cli.out()).contains("port=(none)");
    assertThat(cli.run(Map.of("FLOW_EXPORTER_PORT", "tcp"), with())).isEqualTo(2);
    assertThat(cli.err()).contains("--port");
  }

  @Test
  void flowDocumentFlags(@TempDir Path dir) {
    assertThat(cli.run(with())).isZero();
    assertThat(cli.out())
        .contains(
            "flow-topic=(none)",
            "flow-log=(none)",
            "flow-log-max-size=104857600",
            "flow-log-max-files=10",
            "flow-filter=(all)");
    Path log = dir.resolve("flows.json");
    assertThat(
            cli.run(
                with(
                    "--flow-topic",
                    "flow-docs",
                    "--flow-log",
                    log.toString(),
                    "--flow-log-max-size",
                    "512KB",
                    "--flow-log-max-files",
                    "20",
                    "--flow-filter",
                    "port=443&proto=tcp&net=192.0.2.0/24")))
        .isZero();
    assertThat(cli.out())
        .contains(
            "flow-topic=flow-docs",
            "flow-log=" + log,
            "flow-log-max-size=524288",
            "flow-log-max-files=20",
            "flow-filter=port=443&proto=tcp&net=192.0.2.0/24");
  }

  @Test
  void aBusyListenAddressExitsWithStatus2NamingTheFlag(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      String addr = "127.0.0.1:" + taken.getLocalPort();
      // No --check: the exporter starts, and stops at the port (the brokers do not exist).
      cli.assertBad(
          "--addr",
          "--brokers",
          "127.0.0.1:1",
          "--topic",
          "pmacct",
          "--asn",
          "64500",
          "--state-dir",
          dir.toString(),
          "--addr",
          addr);
      assertThat(cli.err()).contains(addr, "another flow-exporter");
    }
  }

  @Test
  void flowApiFlags(@TempDir Path dir) throws Exception {
    assertThat(cli.run(with())).isZero();
    assertThat(cli.out()).contains("api-token-file=(none: flow API off)", "api-max-scans=4");
    Path tokens =
        java.nio.file.Files.writeString(dir.resolve("tokens"), "alice:0123456789abcdef\n");
    assertThat(cli.run(with("--api-token-file", tokens.toString(), "--api-max-scans", "2")))
        .isZero();
    assertThat(cli.out())
        .contains("api-token-file=" + tokens, "api-max-scans=2")
        .doesNotContain("0123456789abcdef");
    cli.assertBad("--api-token-file", with("--api-token-file", dir.resolve("missing").toString()));
    cli.assertBad("--api-max-scans", with("--api-max-scans", "0"));
    cli.assertBad("--api-max-scans", with("--api-max-scans", "33"));
    assertThat(cli.err()).contains("1..32");
    assertThat(cli.run(with())).isZero();
    assertThat(cli.out()).contains("web-tls-cert=(none: plain HTTP)");
    cli.assertBad("--web-tls-key", with("--web-tls-cert", tokens.toString()));
    cli.assertBad("--web-tls-cert", with("--web-tls-key", tokens.toString()));
    cli.assertBad(
        "--web-tls-cert",
        with(
            "--web-tls-cert",
            dir.resolve("missing").toString(),
            "--web-tls-key",
            tokens.toString()));
  }

  @Test
  void aBadFlowFilterExitsTwoNamingTheFlagAndTheParameter() {
    cli.assertBad("--flow-filter", with("--flow-filter", "net=192.0.2.0/33"));
    assertThat(cli.err()).contains("net:");
    cli.assertBad("--flow-filter", with("--flow-filter", "colour=red"));
    assertThat(cli.err()).contains("colour: unknown parameter");
    cli.assertBad("--flow-filter", with("--flow-filter", "port=https"));
    cli.assertBad("--flow-filter", with("--flow-filter", "country=FRA"));
    cli.assertBad("--flow-log-max-size", with("--flow-log-max-size", "100M"));
    cli.assertBad("--flow-log-max-size", with("--flow-log-max-size", "100"));
    cli.assertBad("--flow-log-max-files", with("--flow-log-max-files", "0"));
    cli.assertBad("--flow-log-max-files", with("--flow-log-max-files", "21"));
    cli.assertBad("--flow-topic", with("--flow-topic", "bad topic"));
    cli.assertBad("--flow-topic", with("--flow-topic", "pmacct"));
    assertThat(cli.err()).contains("is the input topic");
    cli.assertBad("--flow-log", with("--flow-log", System.getProperty("java.io.tmpdir")));
    cli.assertBad("--flow-filter", with("--flow-filter", "direction=unmatched"));
    assertThat(cli.err()).contains("never written");
  }

  @Test
  void namesKafkaWouldRefuseLaterAreBadFlagsNow(@TempDir Path dir) throws Exception {
    cli.assertBad("--brokers", checked("kafka1", "pmacct"));
    assertThat(cli.err()).contains("'kafka1' is not host:port");
    cli.assertBad("--brokers", checked("k1:9092,127.0.0.1:99999", "pmacct"));
    cli.assertBad("--brokers", checked("kafka:99999999999", "pmacct"));
    cli.assertBad("--brokers", checked(":9092", "pmacct"));
    cli.assertBad("--topic", checked("k1:9092", "bad topic!"));
    cli.assertBad("--topic", checked("k1:9092", "."));
    cli.assertBad("--application-id", with("--application-id", "bad id!"));
    cli.assertBad("--application-id", with("--application-id", "a".repeat(201)));
    assertThat(cli.run(checked("[::1]:9092,k2:9092", "pmacct", "--application-id", "a.b_c-1")))
        .isZero();
    cli.assertBad("--kafka-config", with("--kafka-config", dir.resolve("missing").toString()));
    assertThat(cli.err()).contains("no such file");
  }

  @Test
  void aDirectoryWhereAFileIsNamedIsABadFlagAlreadyWithCheck(@TempDir Path dir) {
    for (String flag :
        List.of(
            "--asn-db",
            "--asn-names",
            "--country-db",
            "--api-token-file",
            "--kafka-config",
            "--flow-log")) {
      cli.assertBad(flag, checked("k1:9092", "pmacct", flag, dir.toString()));
      assertThat(cli.err()).as(flag).contains(dir + " is a directory");
    }
    cli.assertBad(
        "--web-tls-cert",
        checked(
            "k1:9092",
            "pmacct",
            "--web-tls-cert",
            dir.toString(),
            "--web-tls-key",
            dir.toString()));
    assertThat(cli.err()).contains("is a directory");
  }

  /** --check with these brokers and topic. */
  private static String[] checked(String brokers, String topic, String... more) {
    List<String> args =
        new ArrayList<>(List.of("--brokers", brokers, "--topic", topic, "--asn", "64500"));
    args.addAll(List.of(more));
    args.add("--check");
    return args.toArray(String[]::new);
  }

  @Test
  void aJaasConfigKafkaCannotParseIsABadFlagThatDoesNotShowIt(@TempDir Path dir) throws Exception {
    cli.assertBad(
        "--kafka-property/--kafka-config",
        with(
            "--kafka-property",
            "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"u\" password=\"hunter2-secret\""));
    assertThat(cli.err()).contains("sasl.jaas.config", "ends with ';'");
    assertThat(cli.err() + cli.out()).doesNotContain("hunter2-secret");
    // from a config provider, or blank in a template: Kafka resolves or ignores it later
    Path secrets =
        Files.writeString(
            dir.resolve("jaas.properties"),
            "cfg=org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"u\" password=\"p\";\n");
    assertThat(
            cli.run(
                with(
                    "--kafka-property",
                    "config.providers=file",
                    "--kafka-property",
                    "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                    "--kafka-property",
                    "sasl.jaas.config=${file:" + secrets + ":cfg}")))
        .isZero();
    assertThat(cli.run(with("--kafka-property", "sasl.jaas.config="))).isZero();
  }

  @Test
  void securityThatCannotBeSetUpIsABadFlagBeforeAnyBrokerIsAsked() {
    // SASL without a JAAS configuration: Kafka would refuse it only once the broker answers.
    cli.assertBad(
        "--kafka-property/--kafka-config",
        with(
            "--kafka-property", "security.protocol=SASL_PLAINTEXT",
            "--kafka-property", "sasl.mechanism=PLAIN"));
    assertThat(cli.err()).contains("SASL_PLAINTEXT with PLAIN cannot be set up", "JAAS");
    // A trust store that is not there.
    cli.assertBad(
        "--kafka-property/--kafka-config",
        with(
            "--kafka-property", "security.protocol=SSL",
            "--kafka-property", "ssl.truststore.location=/nonexistent/trust.jks"));
    assertThat(cli.err()).contains("SSL cannot be set up");
  }

  @Test
  void theStreamsRebalanceProtocolIsRefused() {
    cli.assertBad(
        "--kafka-property/--kafka-config", with("--kafka-property", "group.protocol=streams"));
    assertThat(cli.err()).contains("group.protocol=streams is not supported");
    assertThat(cli.run(with("--kafka-property", "group.protocol=classic"))).isZero();
  }

  @Test
  void secretsInBadValuesAndStrayArgumentsAreNotShown() {
    // Several settings in one (the comma form of other repeatable variables): Kafka's message
    // would quote the whole value, password included.
    cli.assertBad(
        "--kafka-property/--kafka-config",
        with(
            "--kafka-property",
            "security.protocol=SASL_SSL,sasl.jaas.config=x password=\"hunter2-secret\";"));
    assertThat(cli.err()).contains("security.protocol").doesNotContain("hunter2-secret");
    // A JAAS configuration split at its spaces: picocli would list the pieces.
    assertThat(
            cli.run(
                with(
                    "--kafka-property",
                    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule",
                    "required",
                    "username=\"u\"",
                    "password=\"hunter2-secret\";")))
        .isEqualTo(2);
    assertThat(cli.err()).contains("must be quoted as one argument").doesNotContain("hunter2");
  }

  @Test
  void aStateDirectoryThatCannotBeMadeStopsTheStartBeforeKafka(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    // not --check: the directory is made (or not) only by a real start
    cli.assertBad(
        "--state-dir",
        "--brokers",
        "127.0.0.1:1",
        "--topic",
        "t",
        "--asn",
        "64500",
        "--addr",
        "127.0.0.1:0",
        "--state-dir",
        file.resolve("state").toString());
    assertThat(cli.err()).contains("cannot be created");
  }

  @Test
  void everyFlagCanComeFromTheEnvironment() {
    Map<String, String> env =
        Map.of(
            "FLOW_EXPORTER_BROKERS",
            "env:9092",
            "FLOW_EXPORTER_TOPIC",
            "t",
            "FLOW_EXPORTER_ASN",
            "64500,64501",
            "FLOW_EXPORTER_ADDR",
            "127.0.0.1:9999",
            "FLOW_EXPORTER_PROCESSING_GUARANTEE",
            "at_least_once",
            "FLOW_EXPORTER_FROM_BEGINNING",
            "true",
            "FLOW_EXPORTER_SAMPLING_RATE",
            "100");
    assertThat(cli.run(env, "--check")).isZero();
    assertThat(cli.out())
        .contains(
            "brokers=env:9092",
            "asn=[64500, 64501]",
            "addr=127.0.0.1:9999",
            "processing-guarantee=at_least_once",
            "from-beginning=true",
            "sampling-rate=100");
  }

  @Test
  void aBooleanFlagMeansTrueWhateverItsEnvironmentVariableSays() {
    Map<String, String> on = Map.of("FLOW_EXPORTER_FROM_BEGINNING", "true");
    assertThat(cli.run(on, with("--from-beginning"))).isZero();
    assertThat(cli.out()).contains("from-beginning=true");
    assertThat(cli.run(on, with("--from-beginning=false"))).isZero();
    assertThat(cli.out()).contains("from-beginning=false");
    assertThat(cli.run(Map.of(), with("--from-beginning"))).isZero();
    assertThat(cli.out()).contains("from-beginning=true");
    // --check with FLOW_EXPORTER_CHECK=true still checks: it prints, and never starts.
    assertThat(cli.run(Map.of("FLOW_EXPORTER_CHECK", "true"), with())).isZero();
    assertThat(cli.out()).contains("from-beginning=false");
    assertThat(cli.run(with("--from-beginning=maybe"))).isEqualTo(2);
    assertThat(cli.err()).contains("--from-beginning");
  }

  @Test
  void aFlagWinsOverItsEnvironmentVariable() {
    assertThat(
            cli.run(
                Map.of("FLOW_EXPORTER_TOPIC", "from-env"),
                "--brokers",
                "b:1",
                "--asn",
                "64500",
                "--topic",
                "from-flag",
                "--check"))
        .isZero();
    assertThat(cli.out()).contains("topic=from-flag");
  }

  @Test
  void kafkaPropertiesComeFromAFileAndFlagsWithFlagsWinning(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(
        file,
        "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config="
            + "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"u\" password=\"secret stuff\";\n");
    assertThat(
            cli.run(
                with(
                    "--kafka-config",
                    file.toString(),
                    "--kafka-property",
                    "sasl.mechanism=SCRAM-SHA-512",
                    "--kafka-property",
                    "config.providers.vault.param.vault.token=hvs.token-never-shown",
                    "--kafka-property",
                    "sasl.oauthbearer.client.credentials.client.secret=never-shown-either")))
        .isZero();
    assertThat(cli.out())
        .contains(
            "kafka-properties={config.providers.vault.param.vault.token=****, sasl.jaas.config=****,"
                + " sasl.mechanism=SCRAM-SHA-512,"
                + " sasl.oauthbearer.client.credentials.client.secret=****,"
                + " security.protocol=SASL_SSL}");
    // the effective settings: flags win over the file, the exporter's defaults are shown
    assertThat(cli.out())
        .containsPattern("kafka-effective=\\{.*bootstrap\\.servers=k1:9092,k2:9092")
        .contains("max.poll.records=500", "sasl.mechanism=SCRAM-SHA-512")
        .doesNotContain("secret stuff")
        .doesNotContain("never-shown")
        .contains("config.providers.vault.param.vault.token=****");
  }

  @Test
  void aSecretGivenWithoutItsKeyIsNeitherEchoedNorShown(@TempDir Path dir) throws Exception {
    // Typed without "sasl.jaas.config=", or with ':' for '=' as in a properties file.
    for (String wrong :
        List.of(
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
                + " password=\"hunter2-typed\";",
            "ssl.keystore.password:hunter2-typed")) {
      assertThat(cli.run(with("--kafka-property", wrong))).as(wrong).isEqualTo(2);
      assertThat(cli.err()).contains("--kafka-property").doesNotContain("hunter2");
    }
    assertThat(cli.run(with("--kafka-property", "linger ms=5"))).isEqualTo(2);
    assertThat(cli.err()).contains("'linger ms=5'", "property name");
    // A properties file's line without its key reads as key "...PlainLoginModule": hidden by its
    // text. Where a key store is and of which type it is are shown: an operator needs them.
    Path file = dir.resolve("client.properties");
    Files.writeString(
        file,
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
            + " password=\"hunter2-in-file\";\n"
            + "ssl.keystore.location=/etc/flow-exporter/client.p12\n"
            + "ssl.keystore.type=PKCS12\n"
            + "ssl.keystore.password=hunter2-in-file\n");
    assertThat(cli.run(with("--kafka-config", file.toString()))).isZero();
    assertThat(cli.out())
        .contains(
            "kafka-config=" + file,
            "ssl.keystore.location=/etc/flow-exporter/client.p12",
            "ssl.keystore.type=PKCS12",
            "ssl.keystore.password=****")
        .doesNotContain("hunter2");
  }

  @Test
  void aCommitIntervalLongerThanTheTransactionTimeoutNamesTheFlag() {
    assertThat(cli.run(with("--commit-interval", "60000"))).isEqualTo(2);
    assertThat(cli.err())
        .contains("'--commit-interval'", "Transaction timeout 10000", "commit interval 60000");
    assertThat(
            cli.run(
                with(
                    "--commit-interval",
                    "60000",
                    "--kafka-property",
                    "producer.transaction.timeout.ms=120000")))
        .isZero();
    assertThat(
            cli.run(with("--commit-interval", "60000", "--processing-guarantee", "at_least_once")))
        .isZero();
  }

  @Test
  void missingRequiredFlagsExitTwoNamingTheFlag() {
    assertThat(cli.run("--topic", "t", "--asn", "1", "--check")).isEqualTo(2);
    assertThat(cli.err()).contains("'--brokers'", "FLOW_EXPORTER_BROKERS");
    assertThat(cli.run("--brokers", "b:1", "--asn", "1", "--check")).isEqualTo(2);
    assertThat(cli.err()).contains("'--topic'");
    assertThat(cli.run("--brokers", "b:1", "--topic", "t", "--check")).isEqualTo(2);
    assertThat(cli.err()).contains("'--asn'");
  }

  @Test
  void malformedFlagsExitTwoNamingTheFlag() {
    cli.assertBad("--asn", with("--asn", "notanumber"));
    cli.assertBad("--asn", with("--asn", "4294967296"));
    cli.assertBad("--asn", with("--asn", "0"));
    cli.assertBad("--addr", with("--addr", "9590"));
    cli.assertBad("--addr", with("--addr", ":http"));
    cli.assertBad("--sampling-rate", with("--sampling-rate", "0"));
    cli.assertBad("--sampling-rate", with("--sampling-rate", "x"));
    cli.assertBad("--processing-guarantee", with("--processing-guarantee", "exactly_once"));
    cli.assertBad("--asn-from-ip", with("--asn-from-ip", "sometimes"));
    cli.assertBad("--kafka-property", with("--kafka-property", "novalue"));
    cli.assertBad("--asn-db", with("--asn-db", "/nonexistent/GeoLite2-ASN.mmdb"));
    cli.assertBad("--asn-names", with("--asn-names", "/nonexistent/names.csv"));
    cli.assertBad("--country-db", with("--country-db", "/nonexistent/GeoLite2-Country.mmdb"));
    cli.assertBad("--kafka-config", with("--kafka-config", "/nonexistent/client.properties"));
    cli.assertBad("--no-such-flag", with("--no-such-flag"));
    cli.assertBad("--kafka-property", with("--kafka-property", "max.poll.records=abc"));
    cli.assertBad("--kafka-property", with("--kafka-property", "security.protocol=NOPE"));
    cli.assertBad("--application-id", with("--application-id", " "));
    cli.assertBad("--max-series", with("--max-series", "0"));
    cli.assertBad("--max-series", with("--max-series", "many"));
    cli.assertBad("--series-ttl", with("--series-ttl", "30"));
    cli.assertBad("--series-ttl", with("--series-ttl", "0d"));
    cli.assertBad("--series-ttl", with("--series-ttl", "59s"));
    assertThat(cli.err()).contains("at least 1m");
    cli.assertBad("--series-ttl", with("--series-ttl", "-1h"));
    cli.assertBad("--port", with("--port", "0"));
    cli.assertBad("--port", with("--port", "65536"));
    cli.assertBad("--port", with("--port", "443,https"));
    cli.assertBad("--port", with("--port", "-1"));
    cli.assertBad("--stream-threads", with("--stream-threads", "0"));
    cli.assertBad("--stream-threads", with("--stream-threads", "two"));
  }

  @Test
  void streamThreadsDefaultToAutoAndTakeANumber() {
    assertThat(cli.run(with())).isZero();
    assertThat(cli.out()).contains("stream-threads=auto");
    assertThat(cli.run(with("--stream-threads", "3"))).isZero();
    assertThat(cli.out()).contains("stream-threads=3");
  }

  @Test
  void autoStreamThreadsAreTheProcessorsAtMostThePartitions() {
    KafkaConfig auto =
        new KafkaConfig(
            "k:9092",
            "a",
            Path.of("s"),
            ProcessingGuarantee.EXACTLY_ONCE_V2,
            false,
            java.time.Duration.ofSeconds(1),
            0,
            KafkaConfig.AUTO_STREAM_THREADS,
            Map.of());
    int processors = Runtime.getRuntime().availableProcessors();
    assertThat(auto.streamThreadsFor(1)).isEqualTo(1);
    assertThat(auto.streamThreadsFor(64)).isEqualTo(Math.min(processors, 64));
    KafkaConfig two =
        new KafkaConfig(
            "k:9092",
            "a",
            Path.of("s"),
            ProcessingGuarantee.EXACTLY_ONCE_V2,
            false,
            java.time.Duration.ofSeconds(1),
            0,
            2,
            Map.of());
    assertThat(two.streamThreadsFor(1)).isEqualTo(2);
  }

  @Test
  void countriesComeFromADatabaseOrPmacctsFieldsAlone(@TempDir Path dir) throws Exception {
    CapturedCommandLine none = new CapturedCommandLine(Main::commandLine);
    assertThat(none.run(with())).isZero();
    assertThat(none.out()).contains("country-db=(none)");
    Path db =
        Files.writeString(dir.resolve("GeoLite2-Country.mmdb"), "read when the exporter starts");
    CapturedCommandLine file = new CapturedCommandLine(Main::commandLine);
    assertThat(file.run(with("--country-db", db.toString()))).isZero();
    assertThat(file.out()).contains("country-db=" + db);
    // countries from pmacct's fields need no flag: a filter on them is accepted without a database
    CapturedCommandLine filter = new CapturedCommandLine(Main::commandLine);
    assertThat(filter.run(with("--flow-filter", "country=FR"))).isZero();
  }

  @Test
  void theExporterHasNoSubcommands() {
    // demo and generate are in the demo's jar (demo/), with the broker they need.
    assertThat(Main.commandLine(Map.of()).getSubcommands()).isEmpty();
    cli.assertBad("demo", "demo");
  }

  @Test
  void helpAndVersionExitZero() {
    assertThat(cli.run("--help")).isZero();
    assertThat(cli.out())
        .contains("--brokers", "--topic", "--asn", "--asn-db", "FLOW_EXPORTER_ASN_DB");
    assertThat(cli.run("--version")).isZero();
    assertThat(cli.out()).contains("flow-exporter", "Kafka Streams");
  }

  @Test
  void environmentVariableNamesFollowTheFlags() {
    assertThat(EnvironmentDefaults.variableFor("--asn-db")).isEqualTo("FLOW_EXPORTER_ASN_DB");
    assertThat(EnvironmentDefaults.variableFor("--kafka-property"))
        .isEqualTo("FLOW_EXPORTER_KAFKA_PROPERTY");
  }
}
