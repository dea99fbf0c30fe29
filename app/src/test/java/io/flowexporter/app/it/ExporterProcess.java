package io.flowexporter.app.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * flow-exporter run as a user runs it: {@code java -jar app/target/flow-exporter.jar ...} in a
 * child process, its output in a log file. {@link #close()} kills it if it still runs, so a failed
 * test leaves no process behind.
 */
public final class ExporterProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int logStart;
  private final int metricsPort;

  private ExporterProcess(Process process, Path log, int logStart, int metricsPort) {
    this.process = process;
    this.log = log;
    this.logStart = logStart;
    this.metricsPort = metricsPort;
  }

  /** The shaded jar that {@code mvn package} built (failsafe passes its path). */
  public static Path jar() {
    String path = System.getProperty("flowexporter.jar", "target/flow-exporter.jar");
    Path jar = Path.of(path);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: run the integration tests with 'mvn verify'");
    }
    return jar;
  }

  /**
   * Starts the exporter with {@code args} plus {@code --addr 127.0.0.1:<free port>}.
   *
   * @param log where stdout and stderr go (appended, so restarts keep one log)
   */
  public static ExporterProcess start(Path log, Map<String, String> env, String... args) {
    int port = freePort();
    List<String> argv = new ArrayList<>(List.of("--addr", "127.0.0.1:" + port));
    argv.addAll(Arrays.asList(args));
    return startRaw(log, env, port, argv.toArray(String[]::new));
  }

  /** Starts {@code java -jar flow-exporter.jar args...} exactly as given. */
  public static ExporterProcess startRaw(
      Path log, Map<String, String> env, int metricsPort, String... args) {
    List<String> command = new ArrayList<>();
    // A shell without job control starts background jobs with SIGINT and SIGQUIT ignored, their
    // children inherit that, and the JVM then leaves Ctrl-C ignored: in a suite started with
    // `cmd &`, the exporter would be deaf to SIGINT. Perl (perl-base is essential in Debian)
    // restores the defaults and execs java in place, so the pid stays the exporter's.
    command.addAll(
        List.of(
            "perl",
            "-e",
            "$SIG{INT} = $SIG{QUIT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";",
            "--"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("FLOW_EXPORTER_"));
    pb.environment().putAll(env);
    try {
      int logStart = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).length() : 0;
      return new ExporterProcess(ChildProcesses.track(pb.start()), log, logStart, metricsPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int metricsPort() {
    return metricsPort;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as docker stop and systemd send. */
  public void terminate() {
    process.destroy();
  }

  /** SIGTERM, then a clean stop: exit status 0 within a minute, or the test fails with the log. */
  public void stopCleanly() {
    terminate();
    int status = waitFor(Duration.ofSeconds(60));
    if (status != 0) {
      throw new AssertionError("exit status " + status + " after SIGTERM; log:\n" + log());
    }
  }

  /** SIGINT, as Ctrl-C sends. */
  public void interrupt() {
    signal("INT");
  }

  /** SIGKILL: a crash, no shutdown code runs. */
  public void kill9() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
  }

  private void signal(String name) {
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .inheritIO()
          .start()
          .waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the process to end and returns its exit status; fails if it does not end in time. */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "flow-exporter did not exit within " + timeout + "; log:\n" + log());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  /** The log file so far: what this process printed, after what earlier runs appended to it. */
  public String log() {
    return readLog(log);
  }

  /** A log file's text, or a note saying why it cannot be read (for failure messages). */
  public static String readLog(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** What this process printed so far, without the earlier runs' lines. */
  public String ownLog() {
    String all = log();
    return all.length() >= logStart ? all.substring(logStart) : all;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A port free on loopback right now. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
