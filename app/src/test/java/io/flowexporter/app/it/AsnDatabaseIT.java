package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * AS names and AS-from-IP on a real broker: records with AS 0 (pmacct without BGP) are counted
 * under the AS the database gives for their addresses, IPv4 and IPv6, with names from the database
 * and from the overrides file; a bad database file stops start-up with status 2.
 */
class AsnDatabaseIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  /**
   * A copy of the demo's sample database (a source file of demo/, which app does not depend on).
   */
  static Path sampleDatabase(Path dir) throws Exception {
    Path mmdb = dir.resolve("sample-asn.mmdb");
    Files.copy(Programs.root().resolve("demo/src/main/resources/demo/sample-asn.mmdb"), mmdb);
    return mmdb;
  }

  private static String record(long src, long dst, String ipSrc, String ipDst, long bytes) {
    return "{\"event_type\": \"purge\", \"label\": \"edge1\", \"as_src\": "
        + src
        + ", \"as_dst\": "
        + dst
        + ", \"peer_ip_src\": \"10.0.0.1\", \"ip_src\": \""
        + ipSrc
        + "\", \"ip_dst\": \""
        + ipDst
        + "\", \"packets\": 1, \"bytes\": "
        + bytes
        + "}";
  }

  @Test
  void asZeroRecordsAreNamedFromTheirAddresses(@TempDir Path dir) throws Exception {
    String topic = "flows-asn";
    Topics.create(broker.bootstrapServers(), topic, 2);
    List<String> records =
        List.of(
            record(0, 0, "8.8.8.8", "192.0.2.10", 100), // Google → us, IPv4
            record(0, 0, "2001:4860:4860::8888", "2001:db8::10", 200), // Google → us, IPv6
            record(0, 0, "192.0.2.10", "1.1.1.1", 300), // us → Cloudflare
            record(0, 0, "2001:db8::10", "2606:4700::1111", 400), // us → Cloudflare, IPv6
            record(13335, 0, "8.8.8.8", "192.0.2.10", 500), // a known AS is kept
            record(0, 0, "192.0.2.10", "10.1.2.3", 600), // private address: AS 0
            record(64512, 64500, "172.16.0.1", "192.0.2.1", 700)); // private AS, named by override
    try (KafkaProducer<String, String> p = Topics.producer(broker.bootstrapServers())) {
      for (String r : records) {
        p.send(new ProducerRecord<>(topic, r)).get();
      }
    }
    Path names = dir.resolve("names.csv");
    Files.writeString(names, "# asn,name\n64512,Customer Backbone\n64500,Our Network\n");
    Path mmdb = sampleDatabase(dir);
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            "--brokers",
            broker.bootstrapServers(),
            "--topic",
            topic,
            "--asn",
            "64500",
            "--asn-db",
            mmdb.toString(),
            "--asn-names",
            names.toString(),
            "--from-beginning",
            "--state-dir",
            dir.resolve("state").toString(),
            "--application-id",
            "it-asn",
            "--commit-interval",
            "300")) {
      String google =
          "{destination_as=64500, destination_as_name=Our Network, hostname=edge1, source_as=15169, source_as_name=Google LLC}";
      String cloudflare =
          "{destination_as=13335, destination_as_name=Cloudflare, Inc., hostname=edge1, source_as=64500, source_as_name=Our Network}";
      String cloudflareIn =
          "{destination_as=64500, destination_as_name=Our Network, hostname=edge1, source_as=13335, source_as_name=Cloudflare, Inc.}";
      String unknown =
          "{destination_as=0, destination_as_name=, hostname=edge1, source_as=64500, source_as_name=Our Network}";
      String privateAs =
          "{destination_as=64500, destination_as_name=Our Network, hostname=edge1, source_as=64512, source_as_name=Customer Backbone}";
      java.util.concurrent.atomic.AtomicReference<Map<String, Double>> received =
          new java.util.concurrent.atomic.AtomicReference<>();
      java.util.concurrent.atomic.AtomicReference<Map<String, Double>> transmitted =
          new java.util.concurrent.atomic.AtomicReference<>();
      Await.until(
          Duration.ofSeconds(90),
          () -> {
            Scrape s = Scrape.of(exporter.metricsPort());
            if (s == null) {
              return false;
            }
            received.set(asText(s.family("flow_receive_bytes_total")));
            transmitted.set(asText(s.family("flow_transmit_bytes_total")));
            return received
                    .get()
                    .equals(Map.of(google, 300.0, cloudflareIn, 500.0, privateAs, 700.0))
                && transmitted.get().equals(Map.of(cloudflare, 700.0, unknown, 600.0));
          },
          () -> "receive " + received + "\ntransmit " + transmitted + "\nlog:\n" + exporter.log());
      Scrape s = Scrape.of(exporter.metricsPort());
      assertThat(s.family("flow_exporter_asn_db_info").keySet())
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .containsEntry("type", "GeoLite2-ASN")
                      .containsEntry("path", mmdb.toString()));
      assertThat(exporter.log()).contains("Loaded AS database " + mmdb, "GeoLite2-ASN");
    }
  }

  @Test
  void aBrokenDatabaseStopsStartUpWithStatusTwoNamingTheFile(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("GeoLite2-ASN.mmdb");
    byte[] good = Files.readAllBytes(sampleDatabase(dir));
    Files.write(broken, Arrays.copyOf(good, good.length / 3));
    try (ExporterProcess exporter =
        ExporterProcess.start(
            dir.resolve("exporter.log"),
            Map.of(),
            "--brokers",
            broker.bootstrapServers(),
            "--topic",
            "any",
            "--asn",
            "64500",
            "--asn-db",
            broken.toString())) {
      assertThat(exporter.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(exporter.log()).contains("--asn-db", broken.toString());
    }
  }

  private static Map<String, Double> asText(Map<Map<String, String>, Double> family) {
    Map<String, Double> m = new HashMap<>();
    family.forEach((labels, v) -> m.put(labels.toString(), v));
    return m;
  }
}
