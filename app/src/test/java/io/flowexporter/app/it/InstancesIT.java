package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances with one application id share a six-partition topic: the sum of their /metrics
 * is the input exactly. One stops (SIGTERM): the other two take over its partitions (from standby
 * replicas) and the sum stays exact. It starts again: it gets partitions back, and the sum is
 * still exact.
 */
class InstancesIT {

  private static final int PARTITIONS = 6;
  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  void instancesSumToTheInputThroughStopAndRejoin(@TempDir Path dir) throws Exception {
    String topic = "flows-instances";
    Topics.create(broker.bootstrapServers(), topic, PARTITIONS);
    PmacctRecords records = new PmacctRecords(91);
    Topics.produce(broker.bootstrapServers(), topic, records, 3000);
    Path log = dir.resolve("exporters.log");
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String name : List.of("a", "b", "c")) {
      ports.put(name, ExporterProcess.freePort());
    }
    Map<String, ExporterProcess> running = new LinkedHashMap<>();
    List<ExporterProcess> started = new ArrayList<>(); // closed at the end, whatever failed where
    // Watches each instance, to report (not assert) how often a series of one instance went down
    // when partitions moved: expected by design, see docs/operations.md.
    ScrapeRecorder scrapes = new ScrapeRecorder(300);
    ports.forEach(scrapes::watch);
    try {
      for (String name : ports.keySet()) {
        running.put(name, start(name, ports.get(name), dir, log, topic));
        started.add(running.get(name));
      }
      long t0 = System.nanoTime();
      awaitSum(running, records, true);
      long firstMs = ms(t0);

      ExporterProcess c = running.remove("c");
      long stopping = System.nanoTime();
      c.stopCleanly();
      long exitMs = ms(stopping);
      awaitSum(running, records, true);
      long takeoverMs = ms(stopping);
      Topics.produce(broker.bootstrapServers(), topic, records, 1500);
      awaitSum(running, records, true);

      long restarting = System.nanoTime();
      running.put("c", start("c", ports.get("c"), dir, log, topic));
      started.add(running.get("c"));
      awaitSum(running, records, true);
      long rejoinMs = ms(restarting);
      Topics.produce(broker.bootstrapServers(), topic, records, 1500);
      awaitSum(running, records, true);
      Map<String, Double> partitions = new LinkedHashMap<>();
      running.forEach((name, p) -> partitions.put(name, Scrape.of(p.metricsPort()).value("flow_exporter_partitions")));
      System.out.printf(
          "instances: exact sum over a, b, c %d ms after start; c exited %d ms after SIGTERM, a+b exact with all %d"
              + " partitions %d ms after it; c rejoined and the sum exact again %d ms after its start; partitions now %s%n",
          firstMs, exitMs, PARTITIONS, takeoverMs, rejoinMs, partitions);
      scrapes.close();
      List<String> drops = scrapes.decreases();
      System.out.printf("instances: %d scrapes; %d times a series of one instance went down as partitions moved, e.g. %s%n",
          scrapes.samples().size(), drops.size(), drops.isEmpty() ? "none" : drops.get(0));

      for (ExporterProcess p : running.values()) {
        p.terminate();
      }
      for (ExporterProcess p : running.values()) {
        assertThat(p.waitFor(Duration.ofSeconds(60))).isZero();
      }
    } finally {
      scrapes.close();
      started.forEach(ExporterProcess::close);
    }
  }

  private static ExporterProcess start(String name, int port, Path dir, Path log, String topic) {
    return ExporterProcess.startRaw(log, Map.of(), port,
        "--addr", "127.0.0.1:" + port, "--brokers", broker.bootstrapServers(), "--topic", topic,
        "--asn", "64500,4200000001", "--state-dir", dir.resolve("state-" + name).toString(),
        "--application-id", "it-instances", "--from-beginning", "--commit-interval", "200",
        "--standby-replicas", "1");
  }

  /**
   * Waits until the instances' traffic sums to the input exactly, they expose every partition
   * once between them, and (if {@code everyOneWorks}) each exposes at least one.
   */
  private static void awaitSum(Map<String, ExporterProcess> instances, PmacctRecords records, boolean everyOneWorks) {
    String[] last = {""};
    Await.until(
        Duration.ofSeconds(120),
        () -> {
          List<Traffic> parts = new ArrayList<>();
          Map<String, Double> partitions = new LinkedHashMap<>();
          for (Map.Entry<String, ExporterProcess> e : instances.entrySet()) {
            if (!e.getValue().isAlive()) {
              throw new AssertionError(e.getKey() + " exited early:\n" + e.getValue().log());
            }
            Scrape s = Scrape.of(e.getValue().metricsPort());
            if (s == null) {
              last[0] = e.getKey() + " does not answer";
              return false;
            }
            parts.add(Traffic.of(s));
            partitions.put(e.getKey(), s.value("flow_exporter_partitions"));
          }
          Traffic sum = Traffic.sum(parts);
          last[0] = "partitions " + partitions + ", sum " + sum;
          double all = partitions.values().stream().mapToDouble(Double::doubleValue).sum();
          boolean spread = !everyOneWorks || partitions.values().stream().allMatch(p -> p > 0);
          return all == PARTITIONS && spread && records.expected.equals(sum);
        },
        () -> "expected " + records.expected + "\nlast: " + last[0] + "\nlog:\n"
            + instances.values().iterator().next().log());
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
