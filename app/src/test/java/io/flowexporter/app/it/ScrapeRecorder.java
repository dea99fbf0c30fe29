package io.flowexporter.app.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Scrapes some exporters every {@code intervalMs} from its own thread and keeps every scrape, so a
 * test can check afterwards what Prometheus would have seen: above all, that no counter ever went
 * down. Each exporter is watched by a name and a fixed port, which a restarted process reuses (one
 * Prometheus target, several processes over time).
 */
public final class ScrapeRecorder implements AutoCloseable {

  /** One successful scrape. */
  public record Sample(long millis, String instance, Traffic traffic) {}

  private final Map<String, Integer> ports = new ConcurrentHashMap<>();
  private final List<Sample> samples = new ArrayList<>();
  private final long intervalMs;
  private final long startMillis = System.currentTimeMillis();
  private final Thread thread;
  private volatile boolean stop;
  private int failedScrapes;

  public ScrapeRecorder(long intervalMs) {
    this.intervalMs = intervalMs;
    this.thread = new Thread(this::run, "scrape-recorder");
    thread.setDaemon(true);
    thread.start();
  }

  /** Scrapes {@code 127.0.0.1:port} as target {@code instance} from now on. */
  public void watch(String instance, int port) {
    ports.put(instance, port);
  }

  private void run() {
    while (!stop) {
      for (Map.Entry<String, Integer> e : ports.entrySet()) {
        Scrape s = Scrape.of(e.getValue());
        synchronized (this) {
          if (s == null) {
            failedScrapes++;
          } else {
            samples.add(
                new Sample(System.currentTimeMillis() - startMillis, e.getKey(), Traffic.of(s)));
          }
        }
      }
      try {
        Thread.sleep(intervalMs);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Every successful scrape so far, in order. */
  public synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** Scrapes that got no answer (the process was down or starting). */
  public synchronized int failedScrapes() {
    return failedScrapes;
  }

  /**
   * Every time a series of a target showed less than it had shown before (bytes or packets),
   * described; empty when all counters only went up. A series missing from a scrape is not a
   * decrease: Prometheus sees no sample, not a lower one.
   */
  public List<String> decreases() {
    return decreases(Sample::instance);
  }

  /**
   * Every time a series showed less, on any target, than it had shown before on any target: a
   * series that moves from one instance to another must appear there no lower (Prometheus' {@code
   * resets()} is per target, so it would not see that). Described as {@link #decreases()}.
   */
  public List<String> decreasesAcrossInstances() {
    return decreases(s -> "any instance");
  }

  private synchronized List<String> decreases(Function<Sample, String> scope) {
    List<String> found = new ArrayList<>();
    Map<String, Map<String, long[]>> highest = new HashMap<>();
    Map<String, Long> highestAt = new HashMap<>();
    Map<String, String> highestOn = new HashMap<>();
    for (Sample s : samples) {
      String within = scope.apply(s);
      Map<String, long[]> seen = highest.computeIfAbsent(within, k -> new HashMap<>());
      s.traffic()
          .series()
          .forEach(
              (key, now) -> {
                long[] max = seen.get(key);
                if (max != null && (now[0] < max[0] || now[1] < max[1])) {
                  found.add(
                      s.instance()
                          + " "
                          + key
                          + " went from "
                          + max[0]
                          + "/"
                          + max[1]
                          + " (on "
                          + highestOn.get(within + key)
                          + " at "
                          + highestAt.get(within + key)
                          + " ms) down to "
                          + now[0]
                          + "/"
                          + now[1]
                          + " at "
                          + s.millis()
                          + " ms");
                }
                if (max == null || now[0] > max[0] || now[1] > max[1]) {
                  seen.put(
                      key,
                      new long[] {
                        Math.max(now[0], max == null ? 0 : max[0]),
                        Math.max(now[1], max == null ? 0 : max[1])
                      });
                  highestAt.put(within + key, s.millis());
                  highestOn.put(within + key, s.instance());
                }
              });
    }
    return found;
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.interrupt();
    thread.join(15_000);
  }
}
