package io.flowexporter.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmark drivers share about the machine and the exporter's JVM. */
final class BenchMachine {

  /**
   * The JVM options the documentation recommends and the Docker image sets, with a 256 MiB heap and
   * the class data archive that the bench commands write as the image does ({@code bench/lib.sh}; a
   * JVM that cannot use it starts without it, silently: {@code -Xlog:cds} tells why).
   */
  static final String RECOMMENDED_JVM =
      "-Xmx256m -XX:+ExitOnOutOfMemoryError -XX:FreqInlineSize=100 -XX:InlineSmallCode=1000"
          + " -XX:SharedArchiveFile=app/target/flow-exporter.jsa";

  private BenchMachine() {}

  /** The load averages over 1, 5 and 15 minutes, as {@code /proc/loadavg} has them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
