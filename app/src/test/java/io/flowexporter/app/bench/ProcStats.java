package io.flowexporter.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of a process, from Linux's {@code /proc/PID/stat} and {@code
 * /proc/PID/status}: what {@code ps} and {@code top} show, for the exporter process alone.
 */
record ProcStats(double cpuSeconds, long peakRssKiB, long rssKiB) {

  /** Clock ticks per second of {@code utime}/{@code stime}; 100 on every Linux this runs on. */
  static final double TICKS = Double.parseDouble(System.getProperty("bench.clkTck", "100"));

  /** The process's figures now, or null if it has exited. */
  static ProcStats of(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      long hwm = 0;
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        } else if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        }
      }
      return new ProcStats(ticks / TICKS, hwm, rss);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static ProcStats self() {
    return of(ProcessHandle.current().pid());
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }
}
