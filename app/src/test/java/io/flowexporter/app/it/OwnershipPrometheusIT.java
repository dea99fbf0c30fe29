package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Prometheus sees while instances come and go: every series is a counter that never goes down,
 * and summed over instances it is the input exactly.
 *
 * <p>Three instances with one application id share a six-partition topic, a producer writes {@link
 * PmacctRecords} (fixed seed, so the totals per direction, source AS, destination AS and router are
 * known) at 100 messages/s for the whole run, and Debian's Prometheus scrapes each instance every
 * second. Steps: all three up; one stopped cleanly; restarted; one killed with SIGKILL; restarted;
 * two stopped (one left); both started again. After each step the test waits, traffic still
 * flowing, until the rebalance is over, then holds the producer until the instances' /metrics sum
 * to the input exactly (byte for byte), and lets it go on.
 *
 * <p>At the end, with the producer stopped and everything counted, it asks Prometheus:
 *
 * <ul>
 *   <li>{@code resets(flow_*_total[15m])} is 0 for every series of the AS families and of the port
 *       families ({@code --port 443}: every record is 443/tcp): no scrape of any instance ever
 *       showed a series lower than that instance's previous scrape of it; and the same of {@code
 *       max by} the series labels over instances: no instance showed a series lower than another
 *       had shown it before (a moved series continues from where it was);
 *   <li>the sum by a family's series labels ({@code source_as, destination_as, hostname}; {@code
 *       port, protocol, hostname}), over the samples of the last scrapes only, equals the produced
 *       totals exactly;
 *   <li>each series is exposed by one instance only, and was, over the whole run, but for at most
 *       one scrape interval (an instance's last sample of a series it gave away is current until
 *       its next scrape).
 * </ul>
 *
 * <p>A series may be exposed by another instance after a move (another {@code instance} label). The
 * sums are taken at a moment after the last change, where the instance that gave a series away has
 * answered a scrape without it since, so Prometheus holds a staleness marker for it; the query also
 * keeps only samples scraped in the last 5 s, so no sample of a vanished series counts.
 */
class OwnershipPrometheusIT {

  private static final int PARTITIONS = 6;
  private static final int PER_SECOND = 100;
  private static final Duration STEP_WITHIN = Duration.ofSeconds(60);

  /** A metric and the labels that name its series (besides instance and job). */
  private record Family(String metric, List<String> labels) {
    String series() {
      return String.join(", ", labels);
    }
  }

  private static final List<String> AS_LABELS = List.of("hostname", "source_as", "destination_as");
  private static final List<String> PORT_LABELS = List.of("hostname", "port", "protocol");
  private static final List<String> COUNTRY_LABELS = List.of("hostname", "country");

  /**
   * The AS families, the port families of --port 443 (every record is 443/tcp) and the country
   * families (every record's source is in NL, its destination in JP, by the test's database).
   */
  private static final List<Family> FAMILIES =
      List.of(
          new Family("flow_receive_bytes_total", AS_LABELS),
          new Family("flow_transmit_bytes_total", AS_LABELS),
          new Family("flow_receive_packets_total", AS_LABELS),
          new Family("flow_transmit_packets_total", AS_LABELS),
          new Family("flow_port_receive_bytes_total", PORT_LABELS),
          new Family("flow_port_transmit_bytes_total", PORT_LABELS),
          new Family("flow_port_receive_packets_total", PORT_LABELS),
          new Family("flow_port_transmit_packets_total", PORT_LABELS),
          new Family("flow_country_receive_bytes_total", COUNTRY_LABELS),
          new Family("flow_country_transmit_bytes_total", COUNTRY_LABELS),
          new Family("flow_country_receive_packets_total", COUNTRY_LABELS),
          new Family("flow_country_transmit_packets_total", COUNTRY_LABELS));

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void noCounterResetAndExactSumsThroughStopsCrashesAndScaling(@TempDir Path dir) throws Exception {
    Programs.require("prometheus", "prometheus");
    String topic = "flows-ownership";
    Topics.create(broker.bootstrapServers(), topic, PARTITIONS);
    PmacctRecords records = new PmacctRecords(113);
    Path countries =
        CountryDatabaseIT.write(
            dir,
            "countries",
            "# network,country_code,country_name\n"
                + "198.51.100.0/24,NL,Netherlands\n203.0.113.0/24,JP,Japan\n",
            "--shape=maxmind-country");
    List<String> timings = new ArrayList<>();
    long t0 = System.nanoTime();
    try (ExporterGroup group =
            new ExporterGroup(
                broker.bootstrapServers(),
                topic,
                PARTITIONS,
                "it-ownership",
                dir,
                List.of("a", "b", "c"),
                // A killed member leaves no LeaveGroup: the group hands its partitions over after
                // this.
                "--kafka-property",
                "session.timeout.ms=6000",
                "--kafka-property",
                "heartbeat.interval.ms=1500",
                "--port",
                "443",
                "--country-db",
                countries.toString());
        Prometheus prometheus =
            Prometheus.start(
                dir.resolve("prometheus"),
                Map.of("flow-exporter", List.copyOf(group.ports().values())));
        SteadyProducer producer =
            SteadyProducer.start(
                broker.bootstrapServers(), topic, records, PER_SECOND, Duration.ofMinutes(5))) {
      Step step =
          (name, action) -> {
            long start = System.nanoTime();
            action.run();
            group.awaitSpread(STEP_WITHIN);
            producer.pause();
            group.awaitSum(records.expected, STEP_WITHIN);
            producer.resume();
            timings.add(name + " " + ms(start) + " ms (partitions " + group.partitions() + ")");
          };
      step.run("a, b and c started", () -> List.of("a", "b", "c").forEach(group::start));
      step.run("b stopped cleanly", () -> group.stopCleanly("b"));
      step.run("b restarted", () -> group.start("b"));
      step.run("c killed (SIGKILL)", () -> group.kill9("c"));
      step.run("c restarted", () -> group.start("c"));
      step.run(
          "scaled to one: a and c stopped cleanly",
          () -> {
            group.stopCleanly("a");
            group.stopCleanly("c");
          });
      step.run("back to three: a and c started", () -> List.of("a", "c").forEach(group::start));

      producer.finish();
      group.awaitSum(records.expected, STEP_WITHIN);
      Map<String, Long> want = expected(records.expected);
      Map<String, Long> got = new TreeMap<>();
      Await.until(
          STEP_WITHIN,
          () -> {
            got.clear();
            got.putAll(sums(prometheus, true));
            return got.equals(want);
          },
          () ->
              "Prometheus' sums over the last scrapes\n"
                  + got
                  + "\ndiffer from the produced totals\n"
                  + want);
      // Two more scrapes of every instance with nothing changing: what is asserted below is at
      // rest.
      Thread.sleep(2500);

      long resets = 0;
      List<String> reset = new ArrayList<>();
      for (Family f : FAMILIES) {
        String family = f.metric();
        resets += Math.round(prometheus.scalar("sum(resets(" + family + "[15m]))"));
        for (JsonNode r : prometheus.query("resets(" + family + "[15m]) > 0")) {
          reset.add(family + r.get("metric") + " " + r.get("value").get(1).asText());
        }
      }
      // The same across instances: a series that moves shows on its new instance at least the
      // value its old one showed (resets() above is per instance label, so it cannot see that).
      // max over instances: in the one scrape interval where both can hold a sample, the higher.
      long movedResets = 0;
      List<String> movedReset = new ArrayList<>();
      for (Family f : FAMILIES) {
        String across = "(max by (" + f.series() + ") (" + f.metric() + "))[15m:1s]";
        assertThat(prometheus.scalar("count(resets(" + across + "))"))
            .as("series of %s over all instances", f.metric())
            .isPositive();
        movedResets += Math.round(prometheus.scalar("sum(resets(" + across + "))"));
        for (JsonNode r : prometheus.query("resets(" + across + ") > 0")) {
          movedReset.add(f.metric() + r.get("metric") + " " + r.get("value").get(1).asText());
        }
      }
      List<String> shared = new ArrayList<>();
      for (Family f : FAMILIES) {
        String family = f.metric();
        for (JsonNode r :
            prometheus.query("count by (" + f.series() + ") (" + fresh(family) + ") > 1")) {
          shared.add(
              family + r.get("metric") + " on " + r.get("value").get(1).asText() + " instances");
        }
      }
      // Over the whole run, in steps of one scrape interval: series exposed by two instances at
      // once. An instance's last sample of a series it gave away stays current until its next
      // scrape, so one step at a move can show both; two steps in a row are an overlap.
      long overlapSteps = 0;
      List<String> overlaps = new ArrayList<>();
      for (Family f : FAMILIES) {
        String family = f.metric();
        String both = "(count by (" + f.series() + ") (" + family + ") > bool 1)";
        String bothBefore = "(count by (" + f.series() + ") (" + family + " offset 1s) > bool 1)";
        overlapSteps += Math.round(prometheus.scalar("sum(sum_over_time(" + both + "[15m:1s]))"));
        for (JsonNode r :
            prometheus.query("sum_over_time((" + both + " * " + bothBefore + ")[15m:1s]) > 0")) {
          overlaps.add(family + r.get("metric"));
        }
      }
      System.out.printf(
          "ownership: series on two instances at once: %d series-seconds, %d series for two"
              + " seconds in a row%n",
          overlapSteps, overlaps.size());
      Map<String, Long> finalSums = sums(prometheus, true);
      // And without the filter, as the README's queries read it: a series an instance gave up (or
      // that a killed instance held) is marked stale by that instance's next scrape, so what
      // Prometheus holds now sums to the produced totals.
      Map<String, Long> plainSums = sums(prometheus, false);
      System.out.printf(
          "ownership: %d messages at %d/s, %d series; steps: %s; Prometheus: %d counter resets in %d series, %d series"
              + " exposed by more than one instance; whole run %d ms%n",
          producer.sent(),
          PER_SECOND,
          records.expected.series().size(),
          timings,
          resets,
          reset.size(),
          shared.size(),
          ms(t0));

      assertThat(resets)
          .as(
              "counter resets (sum of resets(flow_*_total[15m])) over all instances; %d series with resets > 0:\n%s",
              reset.size(),
              String.join("\n", reset.subList(0, Math.min(reset.size(), 40)))
                  + (reset.size() > 40 ? "\n..." : ""))
          .isZero();
      assertThat(movedResets)
          .as(
              "counter resets of the series taken over all instances (max by series labels); %d"
                  + " series:\n%s",
              movedReset.size(),
              String.join("\n", movedReset.subList(0, Math.min(movedReset.size(), 40))))
          .isZero();
      assertThat(finalSums)
          .as("sum by (series labels) of each family at the last scrapes")
          .isEqualTo(want);
      assertThat(plainSums)
          .as("sum by (series labels) of each family, every series Prometheus holds")
          .isEqualTo(want);
      assertThat(shared).as("series exposed by more than one instance").isEmpty();
      assertThat(overlaps)
          .as("series exposed by two instances for two seconds in a row (beyond a scrape's lag)")
          .isEmpty();
      group.stopAllCleanly();
    }
  }

  /** A family's samples from the last 5 s of scrapes: no stale sample of a series that moved. */
  private static String fresh(String family) {
    return family + " and timestamp(" + family + ") > time() - 5";
  }

  /**
   * {@code metric|label values} (in the family's label order) to Prometheus' sum over instances: of
   * the last 5 s of samples only, or of every series Prometheus holds now.
   */
  private static Map<String, Long> sums(Prometheus prometheus, boolean onlyFresh) {
    Map<String, Long> out = new TreeMap<>();
    for (Family f : FAMILIES) {
      for (JsonNode r :
          prometheus.query(
              "sum by ("
                  + f.series()
                  + ") ("
                  + (onlyFresh ? fresh(f.metric()) : f.metric())
                  + ")")) {
        JsonNode m = r.get("metric");
        StringBuilder key = new StringBuilder(f.metric());
        f.labels().forEach(l -> key.append('|').append(m.path(l).asText()));
        out.put(key.toString(), new BigDecimal(r.get("value").get(1).asText()).longValueExact());
      }
    }
    return out;
  }

  /** The produced totals in the keys of {@link #sums}. */
  private static Map<String, Long> expected(Traffic traffic) {
    Map<String, Long> out = new TreeMap<>();
    traffic
        .series()
        .forEach(
            (key, v) -> {
              String[] k = key.split("\\|", 2); // direction, then hostname|source_as|destination_as
              out.put("flow_" + k[0] + "_bytes_total|" + k[1], v[0]);
              out.put("flow_" + k[0] + "_packets_total|" + k[1], v[1]);
              // every record is 443/tcp: its port series is the sum of its router's AS series
              String port = "|" + k[1].split("\\|")[0] + "|443|tcp";
              out.merge("flow_port_" + k[0] + "_bytes_total" + port, v[0], Long::sum);
              out.merge("flow_port_" + k[0] + "_packets_total" + port, v[1], Long::sum);
              // the remote side: the source (NL) of received traffic, the destination (JP) of sent
              String country =
                  "|" + k[1].split("\\|")[0] + (k[0].equals("receive") ? "|NL" : "|JP");
              out.merge("flow_country_" + k[0] + "_bytes_total" + country, v[0], Long::sum);
              out.merge("flow_country_" + k[0] + "_packets_total" + country, v[1], Long::sum);
            });
    return out;
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  /** One step of the run: an action, then the wait until the instances' sums are exact again. */
  private interface Step {
    void run(String name, Action action) throws Exception;
  }

  private interface Action {
    void run() throws Exception;
  }
}
