package io.flowexporter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.CapturedCommandLine;
import org.junit.jupiter.api.Test;

/** The demo jar's command line: the exporter's, plus demo and generate with checked flags. */
class DemoCommandLineTest {

  private final CapturedCommandLine cli = new CapturedCommandLine(DemoMain::commandLine);

  @Test
  void subcommandsCheckTheirFlags() {
    cli.assertBad("--rate", "demo", "--rate", "0");
    cli.assertBad("--rate", "generate", "--brokers", "b:1", "--topic", "t", "--rate", "-5");
    cli.assertBad("--topic", "generate", "--brokers", "b:1");
    cli.assertBad("--port", "demo", "--port", "70000");
    cli.assertBad("--kafka-port", "demo", "--kafka-port", "-1");
    cli.assertBad("--status-interval", "demo", "--status-interval", "0");
    for (String[] flag :
        new String[][] {
          {"--routers", "0"}, {"--partitions", "0"}, {"--zero-as-share", "5"}, {"--own-asn", "-1"}
        }) {
      cli.assertBad(flag[0], "generate", "--brokers", "b:1", "--topic", "t", flag[0], flag[1]);
    }
    assertThat(cli.err()).contains("flow-exporter generate --help");
  }

  @Test
  void helpListsTheExporterFlagsAndBothCommands() {
    assertThat(cli.run("--help")).isZero();
    assertThat(cli.out()).contains("--brokers", "--asn-db", "Commands:", "demo", "generate");
    assertThat(cli.run("demo", "--help")).isZero();
    assertThat(cli.out()).contains("Usage: flow-exporter demo", "--rate", "--port", "--kafka-port");
  }
}
