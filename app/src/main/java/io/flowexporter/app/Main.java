package io.flowexporter.app;

import io.flowexporter.app.config.ExporterConfig;
import java.io.PrintWriter;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The entry point of {@code java -jar flow-exporter.jar}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
    System.exit(run(args));
  }

  /**
   * A thread that ends on an exception goes to the log, not raw to stderr. Kafka Streams rethrows a
   * stream thread's failure after its handler (StreamThreadFailures) decided, and both have logged
   * it by then (a refusal by Kafka in the exporter's words): at DEBUG only.
   */
  static void uncaught(Thread thread, Throwable failure) {
    org.slf4j.Logger log = LoggerFactory.getLogger(Main.class);
    if (thread.getName().matches(".*-StreamThread-\\d+")) {
      log.debug("Stream thread {} ended on {}", thread.getName(), failure.toString());
    } else {
      log.error("Thread {} ended on an uncaught exception", thread.getName(), failure);
    }
  }

  /** Runs the command line and returns the exit status: 0 ok, 1 failure, 2 bad flag or file. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /**
   * The command line with flag defaults from {@code env} (FLOW_EXPORTER_...). The exporter's jar
   * has no subcommands; the demo's jar adds {@code demo} and {@code generate}, which then take
   * their defaults from {@code env} and report bad flags the same way.
   */
  public static CommandLine commandLine(Map<String, String> env, Object... subcommands) {
    CommandLine cmd = new CommandLine(new ExporterCommand());
    for (Object subcommand : subcommands) {
      cmd.addSubcommand(subcommand);
    }
    cmd.setDefaultValueProvider(new EnvironmentDefaults(env));
    cmd.setParameterExceptionHandler(Main::badFlag);
    cmd.getSubcommands().values().forEach(sub -> sub.setParameterExceptionHandler(Main::badFlag));
    return cmd;
  }

  /** A bad flag: the message names it; no usage dump, which would bury the message. */
  private static int badFlag(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message = e.getMessage();
    if (e instanceof CommandLine.UnmatchedArgumentException u
        && u.getUnmatched().stream().anyMatch(ExporterConfig::mayBeSecret)) {
      // Most often a value with spaces, such as a JAAS configuration, split into several
      // arguments: its pieces may hold a password, and this goes to the terminal and to logs.
      message =
          u.getUnmatched().size()
              + " unexpected argument(s), not shown as they may hold a secret: a value with spaces"
              + " (a JAAS configuration) must be quoted as one argument";
    }
    err.println("flow-exporter: " + message);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
    return CommandLine.ExitCode.USAGE;
  }
}
