package io.flowexporter.app.bench;

import java.util.List;
import java.util.Locale;

/**
 * A benchmark figure over runs: its median and the runs' range, as the benchmarks print them. Runs
 * without the figure (NaN: for example too short for a steady rate) are left out.
 */
record Figure(List<Double> sorted, String format) {

  static Figure of(List<Double> values, String format) {
    return new Figure(values.stream().filter(v -> !v.isNaN()).sorted().toList(), format);
  }

  double median() {
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** "median (lowest-highest)", also for a single run. */
  String medianAndRange() {
    if (sorted.isEmpty()) {
      return "n/a";
    }
    return format(median())
        + " ("
        + format(sorted.get(0))
        + "-"
        + format(sorted.get(sorted.size() - 1))
        + ")";
  }

  /** The median alone for one run, with the range for several. */
  @Override
  public String toString() {
    return sorted.size() == 1 ? format(median()) : medianAndRange();
  }

  private String format(double value) {
    return String.format(Locale.ROOT, format, value);
  }
}
