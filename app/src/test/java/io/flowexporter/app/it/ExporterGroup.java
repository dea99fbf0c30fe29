package io.flowexporter.app.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several exporter instances with one application id on one topic, as an operator runs them: each
 * has a name, its own state directory, its own log and a fixed metrics port that a restarted
 * process reuses (one scrape target, several processes over time). {@link #close()} kills whatever
 * any of them left running, whatever failed where.
 */
public final class ExporterGroup implements AutoCloseable {

  private final String brokers;
  private final String topic;
  private final String applicationId;
  private final int partitions;
  private final Path dir;
  private final List<String> extraArgs;
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Map<String, ExporterProcess> running = new LinkedHashMap<>();
  private final List<ExporterProcess> started = new ArrayList<>();
  private final Map<String, String> brokersOf = new LinkedHashMap<>();
  private boolean fromBeginning = true;

  /**
   * @param partitions the topic's partition count, which the instances expose between them
   * @param extraArgs added to every instance's command line
   */
  public ExporterGroup(
      String brokers,
      String topic,
      int partitions,
      String applicationId,
      Path dir,
      List<String> names,
      String... extraArgs) {
    this.brokers = brokers;
    this.topic = topic;
    this.partitions = partitions;
    this.applicationId = applicationId;
    this.dir = dir;
    this.extraArgs = Arrays.asList(extraArgs);
    for (String name : names) {
      ports.put(name, ExporterProcess.freePort());
    }
  }

  /**
   * Starts the instances without {@code --from-beginning}: the group's first start begins at the
   * newest record of each partition.
   */
  public ExporterGroup startingAtTheEnd() {
    fromBeginning = false;
    return this;
  }

  /** Instance {@code name} bootstraps from {@code brokers} instead of the group's brokers. */
  public ExporterGroup connecting(String name, String brokers) {
    brokersOf.put(name, brokers);
    return this;
  }

  /** Every instance's name and metrics port, running or not. */
  public Map<String, Integer> ports() {
    return Collections.unmodifiableMap(ports);
  }

  /** The instances running now, by name. */
  public Map<String, ExporterProcess> running() {
    return Collections.unmodifiableMap(running);
  }

  /** Starts instance {@code name} (which must not be running). */
  public ExporterProcess start(String name) {
    if (running.containsKey(name)) {
      throw new IllegalStateException(name + " is running");
    }
    int port = ports.get(name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--addr",
                "127.0.0.1:" + port,
                "--brokers",
                brokersOf.getOrDefault(name, brokers),
                "--topic",
                topic,
                "--asn",
                PmacctRecords.OWN + "," + PmacctRecords.OWN_BIG,
                "--state-dir",
                dir.resolve("state-" + name).toString(),
                "--application-id",
                applicationId,
                "--commit-interval",
                "200",
                "--standby-replicas",
                "1"));
    if (fromBeginning) {
      args.add("--from-beginning");
    }
    args.addAll(extraArgs);
    ExporterProcess p =
        ExporterProcess.startRaw(log(name), Map.of(), port, args.toArray(String[]::new));
    running.put(name, p);
    started.add(p);
    return p;
  }

  /** SIGTERM to {@code name} and a clean exit ({@link ExporterProcess#stopCleanly()}). */
  public void stopCleanly(String name) {
    take(name).stopCleanly();
  }

  /** SIGKILL to {@code name}: a crash. */
  public void kill9(String name) {
    take(name).kill9();
  }

  /** SIGTERM to every running instance at once, then each must exit 0 within a minute. */
  public void stopAllCleanly() {
    List<String> names = new ArrayList<>(running.keySet());
    names.forEach(n -> running.get(n).terminate());
    for (String n : names) {
      ExporterProcess p = take(n);
      int status = p.waitFor(Duration.ofSeconds(60));
      if (status != 0) {
        throw new AssertionError(
            n + ": exit status " + status + " after SIGTERM; log:\n" + p.log());
      }
    }
  }

  private ExporterProcess take(String name) {
    ExporterProcess p = running.remove(name);
    if (p == null) {
      throw new IllegalStateException(name + " is not running");
    }
    return p;
  }

  /** {@code flow_exporter_partitions} of each running instance (0 if it does not answer). */
  public Map<String, Double> partitions() {
    Map<String, Double> out = new LinkedHashMap<>();
    running.forEach(
        (name, p) -> {
          Scrape s = Scrape.of(p.metricsPort());
          out.put(name, s == null ? 0 : s.value("flow_exporter_partitions"));
        });
    return out;
  }

  /**
   * Waits until the running instances' traffic sums to {@code expected} exactly, they expose every
   * partition once between them, and each exposes at least one (so a rebalance after a start or a
   * stop is over). Fails if an instance exits meanwhile.
   */
  public void awaitSum(Traffic expected, Duration timeout) {
    await(expected, timeout);
  }

  /**
   * Waits until every running instance answers and together they expose every partition once, each
   * at least one: the rebalance after a start or a stop is over, whatever the totals.
   */
  public void awaitSpread(Duration timeout) {
    await(null, timeout);
  }

  private void await(Traffic expected, Duration timeout) {
    String[] last = {""};
    Await.until(
        timeout,
        () -> {
          List<Traffic> parts = new ArrayList<>();
          Map<String, Double> exposed = new LinkedHashMap<>();
          for (Map.Entry<String, ExporterProcess> e : running.entrySet()) {
            if (!e.getValue().isAlive()) {
              throw new AssertionError(e.getKey() + " exited early:\n" + e.getValue().log());
            }
            Scrape s = Scrape.of(e.getValue().metricsPort());
            if (s == null) {
              last[0] = e.getKey() + " does not answer";
              return false;
            }
            parts.add(Traffic.of(s));
            exposed.put(e.getKey(), s.value("flow_exporter_partitions"));
          }
          Traffic sum = Traffic.sum(parts);
          last[0] = "partitions " + exposed + ", sum " + sum;
          double all = exposed.values().stream().mapToDouble(Double::doubleValue).sum();
          return all == partitions
              && exposed.values().stream().allMatch(p -> p > 0)
              && (expected == null || expected.equals(sum));
        },
        () ->
            (expected == null ? "" : "expected " + expected + "\n")
                + "last: "
                + last[0]
                + "\n"
                + logs());
  }

  /** The end of each instance's log, for failure messages. */
  public String logs() {
    StringBuilder out = new StringBuilder();
    for (String name : ports.keySet()) {
      String log = ExporterProcess.readLog(log(name));
      out.append("--- log of ")
          .append(name)
          .append(log.length() > 20_000 ? " (last 20,000 characters)" : "")
          .append(":\n")
          .append(log.length() > 20_000 ? log.substring(log.length() - 20_000) : log)
          .append('\n');
    }
    return out.toString();
  }

  private Path log(String name) {
    return dir.resolve("exporter-" + name + ".log");
  }

  @Override
  public void close() {
    started.forEach(ExporterProcess::close);
    running.clear();
  }
}
