package io.flowexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * A command line run in this JVM with its output captured, for tests of flags, exit statuses and
 * messages. Public for the demo's command-line test, which gets it through app's test-jar.
 */
public final class CapturedCommandLine {

  private final Function<Map<String, String>, CommandLine> commandLine;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** {@code commandLine} makes the command line with flag defaults from an environment. */
  public CapturedCommandLine(Function<Map<String, String>, CommandLine> commandLine) {
    this.commandLine = commandLine;
  }

  /** Runs {@code args} with {@code env} as the environment; returns the exit status. */
  public int run(Map<String, String> env, String... args) {
    CommandLine cmd = commandLine.apply(env);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  public int run(String... args) {
    return run(Map.of(), args);
  }

  /** Everything the runs so far printed to standard output. */
  public String out() {
    return out.toString();
  }

  /** Everything the runs so far printed to standard error. */
  public String err() {
    return err.toString();
  }

  /**
   * Asserts that {@code args} exit with status 2 (a bad flag) and a message naming {@code flag}.
   */
  public void assertBad(String flag, String... args) {
    err.getBuffer().setLength(0);
    assertThat(run(args)).as("exit status for %s", String.join(" ", args)).isEqualTo(2);
    assertThat(err()).as("message for %s", String.join(" ", args)).contains(flag);
  }
}
