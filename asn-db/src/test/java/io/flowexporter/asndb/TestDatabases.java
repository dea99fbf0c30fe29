package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes test .mmdb files with the project's perl script ({@code src/test/scripts/write-mmdb.pl}),
 * which uses MaxMind's own writer. A machine without it fails the test, never skips it.
 */
final class TestDatabases {

  static final Path MODULE_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  static final Path SCRIPT = MODULE_DIR.resolve("src/test/scripts/write-mmdb.pl");

  /** A small GeoLite2-ASN-shaped list: IPv4 and IPv6, a 32-bit ASN above 2^31, neighbours. */
  static final String SAMPLE =
      """
      # network,asn,organisation
      8.8.8.0/24,15169,Google LLC
      2001:4860::/32,15169,Google LLC
      1.1.1.0/24,13335,"Cloudflare, Inc."
      2606:4700::/32,13335,"Cloudflare, Inc."
      10.20.0.0/16,4200000001,Private Operator
      fd00:1234::/32,4200000001,Private Operator
      192.0.2.0/25,64500,Example Operator
      192.0.2.128/25,64500,Example Operator
      255.255.255.0/24,4294967294,Top Of Range
      """;

  private TestDatabases() {}

  /**
   * Writes {@code csv} (network,asn,organisation lines) to {@code dir/name.csv} and turns it into
   * {@code dir/name} with the perl writer and the given options (e.g. {@code --shape=ipinfo}).
   */
  static Path write(Path dir, String name, String csv, String... options) throws IOException {
    Path input = dir.resolve(name + ".csv");
    Files.writeString(input, csv, StandardCharsets.UTF_8);
    Path output = dir.resolve(name);
    List<String> command = new ArrayList<>(List.of("perl", SCRIPT.toString()));
    command.addAll(List.of(options));
    command.add(input.toString());
    command.add(output.toString());
    run(command);
    return output;
  }

  static void run(List<String> command) throws IOException {
    requirePerlWriter();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = waitFor(process);
    if (status != 0) {
      fail("%s failed with status %d:%n%s", String.join(" ", command), status, output);
    }
  }

  private static boolean perlChecked;

  static synchronized void requirePerlWriter() throws IOException {
    if (perlChecked) {
      return;
    }
    String hint =
        "The test databases are written with MaxMind's perl writer; install it with: "
            + "apt-get install libmaxmind-db-writer-perl";
    Process process;
    try {
      process =
          new ProcessBuilder("perl", "-MMaxMind::DB::Writer::Tree", "-e", "1")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError("perl is not installed. " + hint, e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (waitFor(process) != 0) {
      fail("MaxMind::DB::Writer::Tree is missing. %s%n%s", hint, output);
    }
    perlChecked = true;
  }

  private static int waitFor(Process process) {
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("timed out after 120 s: %s", process.info().commandLine().orElse("perl"));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
