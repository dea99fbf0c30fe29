package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.aggregate.DeltaBatch;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --series-ttl} on a real KRaft broker, two input partitions and two owner partitions: a
 * series quiet for longer than the TTL by the input's time leaves /metrics, although no other
 * series of its owner partition has traffic (every input partition's time marks reach every owner
 * partition through the repartition topic), while the series with traffic stay.
 */
class SeriesExpiryIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  private static final long OWN = PmacctRecords.OWN;

  @Test
  void aQuietSeriesLeavesThoughNoOtherSeriesOfItsOwnerHasTraffic(@TempDir Path dir)
      throws Exception {
    String topic = "flows-expiry";
    Topics.create(broker.bootstrapServers(), topic, 2);
    // Routers whose received series the owner partitions 0 and 1 hold.
    String quiet = router(p -> p == 0);
    String busy = router(p -> p == 1);
    try (KafkaProducer<String, String> producer = Topics.producer(broker.bootstrapServers());
        ExporterProcess exporter =
            ExporterProcess.start(
                dir.resolve("exporter.log"),
                Map.of(),
                ExporterArgs.fromTheBeginning(
                    broker.bootstrapServers(),
                    topic,
                    dir.resolve("state"),
                    "it-expiry",
                    "--series-ttl",
                    "2m"))) {
      // The quiet router's last flow, ten minutes ago by its Kafka time.
      long tenMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
      producer.send(new ProducerRecord<>(topic, 0, tenMinutesAgo, null, flow(quiet, 700))).get();
      Await.until(
          Duration.ofSeconds(60),
          () -> hostnames(exporter).containsKey(quiet),
          () -> "the quiet router's series never showed; log:\n" + exporter.log());

      // Then only the busy router has traffic, now, in both input partitions; the quiet
      // router's owner partition gets no series from it, only time marks.
      long sent = 0;
      // A new owner listens for two checks and a time mark interval (75 s) before it expires
      // anything, then expires at its next check (every 30 s); the rest is a loaded machine's.
      long deadline = System.nanoTime() + Duration.ofSeconds(200).toNanos();
      Map<String, Long> seen = hostnames(exporter);
      while (seen.containsKey(quiet) && System.nanoTime() < deadline) {
        for (int partition = 0; partition < 2; partition++) {
          producer.send(
              new ProducerRecord<>(
                  topic, partition, System.currentTimeMillis(), null, flow(busy, 100)));
          sent += 100;
        }
        Thread.sleep(500);
        seen = hostnames(exporter);
      }
      assertThat(seen)
          .as(
              "the quiet router's series expired; the busy router's stays; log:\n%s",
              exporter.log())
          .doesNotContainKey(quiet)
          .containsKey(busy);
      assertThat(seen.get(busy)).isPositive().isLessThanOrEqualTo(sent);
      exporter.stopCleanly();
    }
  }

  /** A router name whose received series from AS 15169 goes to an owner partition of two. */
  private static String router(IntPredicate ownerPartition) {
    return IntStream.range(0, 1000)
        .mapToObj(i -> "r" + i)
        .filter(
            h ->
                ownerPartition.test(
                    DeltaBatch.ownerPartition(AsFamily.key(Direction.RECEIVE, h, 15169, OWN), 2)))
        .findFirst()
        .orElseThrow();
  }

  private static String flow(String router, long bytes) {
    return "{\"event_type\":\"purge\",\"label\":\""
        + router
        + "\",\"as_src\":15169,\"as_dst\":"
        + OWN
        + ",\"ip_src\":\"8.8.8.8\",\"ip_dst\":\"192.0.2.10\",\"port_src\":443,\"port_dst\":50000,"
        + "\"ip_proto\":\"tcp\",\"bytes\":"
        + bytes
        + ",\"packets\":1}";
  }

  /** The hostnames on /metrics with their received bytes. */
  private static Map<String, Long> hostnames(ExporterProcess exporter) {
    Scrape scrape = Scrape.of(exporter.metricsPort());
    Map<String, Long> bytes = new java.util.TreeMap<>();
    if (scrape != null) {
      scrape
          .family("flow_receive_bytes_total")
          .forEach((labels, v) -> bytes.merge(labels.get("hostname"), v.longValue(), Long::sum));
    }
    return bytes;
  }
}
