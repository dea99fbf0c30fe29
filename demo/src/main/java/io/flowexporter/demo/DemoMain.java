package io.flowexporter.demo;

import io.flowexporter.app.Main;
import java.util.Map;
import picocli.CommandLine;

/**
 * The entry point of {@code java -jar flow-exporter-demo.jar}: the exporter's command line, as in
 * {@code flow-exporter.jar}, plus the {@code demo} and {@code generate} commands, which need the
 * embedded broker and the generator that the exporter's jar leaves out.
 */
public final class DemoMain {

  private DemoMain() {}

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  static CommandLine commandLine(Map<String, String> env) {
    return Main.commandLine(env, new DemoCommand(), new GenerateCommand());
  }
}
