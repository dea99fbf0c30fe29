package io.flowexporter.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

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

  /**
   * CPU seconds per thread name (digits folded, so "G1 Conc#0" and "G1 Conc#1" add up, but the JIT
   * compiler's tiers "C1" and "C2" kept apart): where the process's CPU went (JIT compiler, GC,
   * stream thread, ...).
   */
  static Map<String, Double> threadCpu(long pid) {
    Map<String, Double> byName = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String name = comm.matches("C[12] Compiler.*") ? comm : comm.replaceAll("[0-9]+", "N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
          byName.merge(name, cpu, Double::sum);
        } catch (IOException | RuntimeException e) {
          // The thread ended meanwhile.
        }
      }
    } catch (IOException e) {
      // The process ended.
    }
    return byName;
  }

  /** The {@code top} largest entries of {@code after - before}, as "name seconds, ...". */
  static String describe(Map<String, Double> after, Map<String, Double> before, int top) {
    StringBuilder sb = new StringBuilder();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                sb.append(sb.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())));
    return sb.toString();
  }

  static ProcStats self() {
    return of(ProcessHandle.current().pid());
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }
}
