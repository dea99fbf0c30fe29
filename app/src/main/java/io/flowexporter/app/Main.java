package io.flowexporter.app;

import io.flowexporter.app.demo.DemoCommand;
import io.flowexporter.app.demo.GenerateCommand;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The entry point of {@code java -jar flow-exporter.jar}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status: 0 ok, 1 failure, 2 bad flag or file. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** The command line with flag defaults from {@code env} (FLOW_EXPORTER_...). */
  static CommandLine commandLine(java.util.Map<String, String> env) {
    CommandLine cmd =
        new CommandLine(new ExporterCommand())
            .addSubcommand(new DemoCommand())
            .addSubcommand(new GenerateCommand());
    cmd.setDefaultValueProvider(new EnvironmentDefaults(env));
    cmd.setParameterExceptionHandler(Main::badFlag);
    cmd.getSubcommands().values().forEach(sub -> sub.setParameterExceptionHandler(Main::badFlag));
    return cmd;
  }

  /** A bad flag: the message names it; no usage dump, which would bury the message. */
  private static int badFlag(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("flow-exporter: " + e.getMessage());
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
    return CommandLine.ExitCode.USAGE;
  }
}
