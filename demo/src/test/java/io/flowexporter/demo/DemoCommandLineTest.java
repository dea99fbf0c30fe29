package io.flowexporter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo jar's command line: the exporter's, plus demo and generate with checked flags. */
class DemoCommandLineTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = DemoMain.commandLine(Map.of());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private void assertBad(String flag, String... args) {
    err.getBuffer().setLength(0);
    assertThat(run(args)).as("exit status for %s", String.join(" ", args)).isEqualTo(2);
    assertThat(err.toString()).as("message for %s", String.join(" ", args)).contains(flag);
  }

  @Test
  void subcommandsCheckTheirFlags() {
    assertBad("--rate", "demo", "--rate", "0");
    assertBad("--rate", "generate", "--brokers", "b:1", "--topic", "t", "--rate", "-5");
    assertBad("--topic", "generate", "--brokers", "b:1");
    assertThat(err.toString()).contains("flow-exporter generate --help");
  }

  @Test
  void helpListsTheExporterFlagsAndBothCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--brokers", "--asn-db", "Commands:", "demo", "generate");
    out.getBuffer().setLength(0);
    assertThat(run("demo", "--help")).isZero();
    assertThat(out.toString()).contains("--rate", "--port", "--kafka-port");
  }
}
