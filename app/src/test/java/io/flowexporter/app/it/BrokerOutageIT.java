package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away while the exporter runs and comes back (same data, same port): the exporter
 * reports not ready meanwhile, recovers by itself, and its totals stay exact and never go down. The
 * broker has this class to itself, since it is stopped.
 */
class BrokerOutageIT {

  @Test
  void recoversByItselfAfterTheBrokerComesBack(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        ScrapeRecorder scrapes = new ScrapeRecorder(300)) {
      String topic = "flows-outage";
      Topics.create(broker.bootstrapServers(), topic, 3);
      PmacctRecords records = new PmacctRecords(81);
      Topics.produce(broker.bootstrapServers(), topic, records, 2000);
      int port = ExporterProcess.freePort();
      String[] args =
          ExporterArgs.fromTheBeginning(
              broker.bootstrapServers(),
              topic,
              dir.resolve("state"),
              "it-outage",
              "--addr",
              "127.0.0.1:" + port,
              "--commit-interval",
              "200");
      try (ExporterProcess exporter =
          ExporterProcess.startRaw(dir.resolve("exporter.log"), Map.of(), port, args)) {
        scrapes.watch("exporter", port);
        ExporterIT.awaitTotals(exporter, records);

        long stopped = System.nanoTime();
        broker.stop();
        Await.until(
            Duration.ofSeconds(90),
            () -> Scrape.status(port, "/readyz") == 503,
            () -> "still ready with the broker down; log:\n" + exporter.log());
        long notReadyMs = (System.nanoTime() - stopped) / 1_000_000;
        assertThat(exporter.isAlive()).isTrue();
        // While the broker is down, /metrics still answers with the last committed totals.
        assertThat(Traffic.of(Scrape.of(port))).isEqualTo(records.expected);
        long downFor = Duration.ofSeconds(10).toNanos() - (System.nanoTime() - stopped);
        if (downFor > 0) {
          Thread.sleep(downFor / 1_000_000);
        }
        assertThat(Scrape.status(port, "/readyz")).isEqualTo(503);
        assertThat(exporter.isAlive()).isTrue();

        long restarted = System.nanoTime();
        broker.restart();
        Topics.produce(broker.bootstrapServers(), topic, records, 1500);
        Await.until(
            Duration.ofSeconds(120),
            () -> Scrape.status(port, "/readyz") == 200,
            () -> "not ready again after the broker came back; log:\n" + exporter.log());
        long readyMs = (System.nanoTime() - restarted) / 1_000_000;
        ExporterIT.awaitTotals(exporter, records);
        long exactMs = (System.nanoTime() - restarted) / 1_000_000;
        System.out.printf(
            "broker outage: not ready %d ms after the broker stopped (outage %d ms); ready again %d ms and exact %d ms"
                + " after it came back; %d scrapes%n",
            notReadyMs,
            (restarted - stopped) / 1_000_000,
            readyMs,
            exactMs,
            scrapes.samples().size());
        assertThat(scrapes.decreases()).as("counters that went down").isEmpty();
        exporter.stopCleanly();
      }
    }
  }
}
