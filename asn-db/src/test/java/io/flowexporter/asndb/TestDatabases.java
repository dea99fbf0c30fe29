package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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

  /**
   * A small country list for the country shapes: IPv4 and IPv6, country and registered country that
   * differ (1.1.1.0/24), registered country only (the fallback), a code without a name, ZZ, a name
   * with a comma. The dbip shapes ignore the registered columns, so that the registered- only
   * networks have no country there.
   */
  static final String COUNTRIES =
      """
      # network,country_code,country_name[,registered_code,registered_name]
      8.8.8.0/24,US,United States,US,United States
      2001:4860::/32,US,United States,US,United States
      1.1.1.0/24,AU,Australia,US,United States
      2606:4700::/32,US,United States
      81.2.69.0/24,GB,United Kingdom,GB,United Kingdom
      2a02:ff0::/32,,,DE,Germany
      193.0.0.0/21,,,NL,Netherlands
      203.0.113.0/24,XK,
      198.51.100.0/24,ZZ,Unknown
      2001:db8::/32,KR,"Korea, Republic of",KR,"Korea, Republic of"
      """;

  /** The same networks as {@link #COUNTRIES} in IPinfo Lite's layout, with ASes. */
  static final String IPINFO_LITE =
      """
      # network,country_code,country_name,asn,as_name
      8.8.8.0/24,US,United States,15169,Google LLC
      2001:4860::/32,US,United States,15169,Google LLC
      1.1.1.0/24,AU,Australia,13335,Cloudflare, Inc.
      2606:4700::/32,US,United States,13335,Cloudflare, Inc.
      81.2.69.0/24,GB,United Kingdom,20712,Andrews & Arnold Ltd
      2a02:ff0::/32,DE,Germany,,
      193.0.0.0/21,NL,Netherlands,3333,Reseaux IP Europeens Network Coordination Centre (RIPE NCC)
      203.0.113.0/24,XK,,,
      198.51.100.0/24,ZZ,,,
      2001:db8::/32,KR,"Korea, Republic of",64500,Example Operator
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

  /**
   * Writes a database next to {@code target}, in a staging folder of {@code dir}, and renames it
   * over {@code target}, as geoipupdate does.
   */
  static void replace(Path dir, Path target, String csv, String... options) throws IOException {
    Path staging = Files.createTempDirectory(dir, "staging");
    Path fresh = write(staging, "next.mmdb", csv, options);
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.copy(fresh, temp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Replaces {@code target} with other bytes in the same way. */
  static void replace(Path target, byte[] bytes) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(temp, bytes);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Waits up to 20 s for a condition, e.g. a reload seen by a background thread. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  /** A {@link ReloadListener} that remembers what it was told. */
  static final class RecordingListener implements ReloadListener {
    final List<DatabaseInfo> loaded = new CopyOnWriteArrayList<>();
    final List<Exception> failed = new CopyOnWriteArrayList<>();

    @Override
    public void loaded(DatabaseInfo info) {
      loaded.add(info);
    }

    @Override
    public void failed(Path file, Exception cause) {
      failed.add(cause);
    }
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
            + "apt-get install libmaxmind-db-writer-perl (or run bin/test, which installs what the tests need)";
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
