package io.flowexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: flags, environment variables, exit statuses and messages. */
class ExporterCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> env, String... args) {
    CommandLine cmd = Main.commandLine(env);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private int run(String... args) {
    return run(Map.of(), args);
  }

  private static final String[] REQUIRED = {"--brokers", "k1:9092,k2:9092", "--topic", "pmacct", "--asn", "64500"};

  private String[] with(String... more) {
    String[] all = new String[REQUIRED.length + more.length + 1];
    System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
    System.arraycopy(more, 0, all, REQUIRED.length, more.length);
    all[all.length - 1] = "--check";
    return all;
  }

  @Test
  void checkPrintsTheEffectiveConfigurationWithGoCompatibleDefaults() {
    assertThat(run(with("--asn", "AS4200000001,65001"))).isZero();
    assertThat(out.toString())
        .contains("brokers=k1:9092,k2:9092", "topic=pmacct", "asn=[64500, 4200000001, 65001]",
            "addr=:9590", "application-id=flow-exporter", "processing-guarantee=exactly_once_v2",
            "from-beginning=false", "sampling-rate=1", "asn-from-ip=auto");
  }

  @Test
  void everyFlagCanComeFromTheEnvironment() {
    Map<String, String> env = Map.of(
        "FLOW_EXPORTER_BROKERS", "env:9092", "FLOW_EXPORTER_TOPIC", "t", "FLOW_EXPORTER_ASN", "64500,64501",
        "FLOW_EXPORTER_ADDR", "127.0.0.1:9999", "FLOW_EXPORTER_PROCESSING_GUARANTEE", "at_least_once",
        "FLOW_EXPORTER_FROM_BEGINNING", "true", "FLOW_EXPORTER_SAMPLING_RATE", "100");
    assertThat(run(env, "--check")).isZero();
    assertThat(out.toString()).contains("brokers=env:9092", "asn=[64500, 64501]", "addr=127.0.0.1:9999",
        "processing-guarantee=at_least_once", "from-beginning=true", "sampling-rate=100");
  }

  @Test
  void aFlagWinsOverItsEnvironmentVariable() {
    assertThat(run(Map.of("FLOW_EXPORTER_TOPIC", "from-env"),
        "--brokers", "b:1", "--asn", "64500", "--topic", "from-flag", "--check")).isZero();
    assertThat(out.toString()).contains("topic=from-flag");
  }

  @Test
  void kafkaPropertiesComeFromAFileAndFlagsWithFlagsWinning(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=secret stuff\n");
    assertThat(run(with("--kafka-config", file.toString(), "--kafka-property", "sasl.mechanism=SCRAM-SHA-512"))).isZero();
    assertThat(out.toString())
        .contains("kafka-properties={sasl.jaas.config=****, sasl.mechanism=SCRAM-SHA-512, security.protocol=SASL_SSL}");
  }

  @Test
  void missingRequiredFlagsExitTwoNamingTheFlag() {
    assertThat(run("--topic", "t", "--asn", "1", "--check")).isEqualTo(2);
    assertThat(err.toString()).contains("'--brokers'", "FLOW_EXPORTER_BROKERS");
    assertThat(run("--brokers", "b:1", "--asn", "1", "--check")).isEqualTo(2);
    assertThat(err.toString()).contains("'--topic'");
    assertThat(run("--brokers", "b:1", "--topic", "t", "--check")).isEqualTo(2);
    assertThat(err.toString()).contains("'--asn'");
  }

  @Test
  void malformedFlagsExitTwoNamingTheFlag() {
    assertBad("--asn", with("--asn", "notanumber"));
    assertBad("--asn", with("--asn", "4294967296"));
    assertBad("--asn", with("--asn", "0"));
    assertBad("--addr", with("--addr", "9590"));
    assertBad("--addr", with("--addr", ":http"));
    assertBad("--sampling-rate", with("--sampling-rate", "0"));
    assertBad("--sampling-rate", with("--sampling-rate", "x"));
    assertBad("--processing-guarantee", with("--processing-guarantee", "exactly_once"));
    assertBad("--asn-from-ip", with("--asn-from-ip", "sometimes"));
    assertBad("--kafka-property", with("--kafka-property", "novalue"));
    assertBad("--asn-db", with("--asn-db", "/nonexistent/GeoLite2-ASN.mmdb"));
    assertBad("--asn-names", with("--asn-names", "/nonexistent/names.csv"));
    assertBad("--kafka-config", with("--kafka-config", "/nonexistent/client.properties"));
    assertBad("--no-such-flag", with("--no-such-flag"));
    assertBad("--kafka-property", with("--kafka-property", "max.poll.records=abc"));
    assertBad("--kafka-property", with("--kafka-property", "security.protocol=NOPE"));
    assertBad("--application-id", with("--application-id", " "));
  }

  private void assertBad(String flag, String... args) {
    err.getBuffer().setLength(0);
    assertThat(run(args)).as("exit status for %s", String.join(" ", args)).isEqualTo(2);
    assertThat(err.toString()).as("message for %s", String.join(" ", args)).contains(flag);
  }

  @Test
  void theExporterHasNoSubcommands() {
    // demo and generate are in the demo's jar (demo/), with the broker they need.
    assertThat(Main.commandLine(Map.of()).getSubcommands()).isEmpty();
    assertBad("demo", "demo");
  }

  @Test
  void helpAndVersionExitZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--brokers", "--topic", "--asn", "--asn-db", "FLOW_EXPORTER_ASN_DB");
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("flow-exporter", "Kafka Streams");
  }

  @Test
  void environmentVariableNamesFollowTheFlags() {
    assertThat(EnvironmentDefaults.variableFor("--asn-db")).isEqualTo("FLOW_EXPORTER_ASN_DB");
    assertThat(EnvironmentDefaults.variableFor("--kafka-property")).isEqualTo("FLOW_EXPORTER_KAFKA_PROPERTY");
  }
}
