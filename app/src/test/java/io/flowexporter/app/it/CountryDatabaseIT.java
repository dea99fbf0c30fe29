package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic by country on a real broker: the same pmacct records are counted by one exporter per
 * country database layout (GeoLite2-Country, DB-IP City Lite, and IPinfo Lite given as both the AS
 * and the country database), each under its own application id, and each shows exactly the same
 * per-country totals over HTTP: the remote side's country, pmacct's {@code country_ip_src} winning
 * over the database, ZZ for addresses no database knows. An exporter without {@code --country-db}
 * counts only the records that carry pmacct's country fields, by those fields; an AS database given
 * as {@code --country-db} stops start-up with status 2, naming the file and the fields it has, and
 * is refused as a replacement while running, after which a good replacement renames the series at
 * the next scrape.
 */
class CountryDatabaseIT {

  @RegisterExtension static final KafkaBroker broker = new KafkaBroker();

  /** The remote networks with their countries; the operator's own (AS 64500) are NL. */
  private static final String NETWORKS =
      """
      8.8.8.0/24,US,United States,15169,Google LLC
      2001:4860::/32,US,United States,15169,Google LLC
      1.1.1.0/24,AU,Australia,13335,Cloudflare, Inc.
      81.2.69.0/24,GB,United Kingdom,20712,Andrews & Arnold Ltd
      2a02:ff0::/32,DE,Germany,,
      192.0.2.0/24,NL,Netherlands,64500,Example Operator
      2001:db8::/32,NL,Netherlands,64500,Example Operator
      """;

  private static String record(String ipSrc, String ipDst, long bytes, String extra) {
    return "{\"event_type\": \"purge\", \"label\": \"edge1\", \"as_src\": 0, \"as_dst\": 0, \"peer_ip_src\": \"10.0.0.1\", "
        + "\"ip_src\": \""
        + ipSrc
        + "\", \"ip_dst\": \""
        + ipDst
        + "\", \"packets\": 1, \"bytes\": "
        + bytes
        + extra
        + "}";
  }

  private static final List<String> RECORDS =
      List.of(
          record("8.8.8.8", "192.0.2.10", 100, ""), // receive, US
          record("2001:4860:4860::8888", "2001:db8::10", 200, ""), // receive, US, IPv6
          record("1.1.1.1", "192.0.2.10", 400, ""), // receive, AU
          record(
              "81.2.69.1",
              "192.0.2.10",
              800,
              ", \"country_ip_src\": \"FR\""), // pmacct says FR: wins over GB
          record(
              "81.2.69.1",
              "192.0.2.10",
              1000,
              ", \"country_ip_src\": \"\""), // pmacct does not know: GB
          record("192.0.2.10", "81.2.69.2", 1600, ""), // transmit, GB
          record("2001:db8::10", "2a02:ff0::1", 3200, ""), // transmit, DE, IPv6
          record("192.0.2.10", "10.1.2.3", 6400, ""), // transmit, private: ZZ
          record("203.0.113.7", "192.0.2.10", 12800, "")); // receive, not in the database: ZZ

  /** country -> bytes and packets, per direction, as the records above must give them. */
  private static final Map<String, Map<String, Double>> EXPECTED_BYTES =
      Map.of(
          "receive", Map.of("US", 300.0, "AU", 400.0, "FR", 800.0, "GB", 1000.0, "ZZ", 12800.0),
          "transmit", Map.of("GB", 1600.0, "DE", 3200.0, "ZZ", 6400.0));

  private static final Map<String, Map<String, Double>> EXPECTED_PACKETS =
      Map.of(
          "receive", Map.of("US", 2.0, "AU", 1.0, "FR", 1.0, "GB", 1.0, "ZZ", 1.0),
          "transmit", Map.of("GB", 1.0, "DE", 1.0, "ZZ", 1.0));
  private static final Map<String, String> NAMES =
      Map.of(
          "US",
          "United States",
          "AU",
          "Australia",
          "GB",
          "United Kingdom",
          "DE",
          "Germany",
          "FR",
          "France", // in no database: the JDK's English name
          "ZZ",
          "Unknown");

  @Test
  void everyLayoutGivesTheSameExactPerCountryTotals(@TempDir Path dir) throws Exception {
    String topic = "flows-country";
    Topics.create(broker.bootstrapServers(), topic, 2);
    try (KafkaProducer<String, String> p = Topics.producer(broker.bootstrapServers())) {
      for (String r : RECORDS) {
        p.send(new ProducerRecord<>(topic, r)).get();
      }
    }
    Path asnDb = AsnDatabaseIT.sampleDatabase(dir);
    Path geolite = write(dir, "GeoLite2-Country", maxmindCsv(), "--shape=maxmind-country");
    Path dbip =
        write(
            dir,
            "dbip-city-lite",
            maxmindCsv(),
            "--shape=dbip-city",
            "--database-type=DBIP-City-Lite");
    Path ipinfo =
        write(
            dir,
            "ipinfo_lite",
            "# network,country_code,country_name,asn,as_name\n" + NETWORKS,
            "--shape=ipinfo-lite",
            "--database-type=ipinfo_lite.mmdb");

    Map<String, List<String>> variants = new LinkedHashMap<>();
    variants.put(
        "geolite2-country",
        List.of("--asn-db", asnDb.toString(), "--country-db", geolite.toString()));
    variants.put(
        "dbip-city", List.of("--asn-db", asnDb.toString(), "--country-db", dbip.toString()));
    variants.put(
        "ipinfo-lite", List.of("--asn-db", ipinfo.toString(), "--country-db", ipinfo.toString()));
    variants.put("no-country-db", List.of("--asn-db", asnDb.toString()));
    Map<String, ExporterProcess> exporters = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, List<String>> v : variants.entrySet()) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "--brokers",
                    broker.bootstrapServers(),
                    "--topic",
                    topic,
                    "--asn",
                    "64500",
                    "--from-beginning",
                    "--state-dir",
                    dir.resolve(v.getKey() + "-state").toString(),
                    "--application-id",
                    "it-country-" + v.getKey(),
                    "--commit-interval",
                    "300"));
        args.addAll(v.getValue());
        exporters.put(
            v.getKey(),
            ExporterProcess.start(
                dir.resolve(v.getKey() + ".log"), Map.of(), args.toArray(String[]::new)));
      }
      for (String variant : List.of("geolite2-country", "dbip-city", "ipinfo-lite")) {
        ExporterProcess exporter = exporters.get(variant);
        Map<String, Object> got = new TreeMap<>();
        Await.until(
            Duration.ofSeconds(120),
            () -> {
              Scrape s = Scrape.of(exporter.metricsPort());
              if (s == null) {
                return false;
              }
              got.clear();
              for (String direction : List.of("receive", "transmit")) {
                got.put(
                    direction + " bytes",
                    byCountry(s, "flow_country_" + direction + "_bytes_total"));
                got.put(
                    direction + " packets",
                    byCountry(s, "flow_country_" + direction + "_packets_total"));
              }
              return got.get("receive bytes").equals(EXPECTED_BYTES.get("receive"))
                  && got.get("transmit bytes").equals(EXPECTED_BYTES.get("transmit"))
                  && got.get("receive packets").equals(EXPECTED_PACKETS.get("receive"))
                  && got.get("transmit packets").equals(EXPECTED_PACKETS.get("transmit"));
            },
            () -> variant + ": " + got + "\nlog:\n" + exporter.log());
        Scrape s = Scrape.of(exporter.metricsPort());
        for (String family :
            List.of("flow_country_receive_bytes_total", "flow_country_transmit_bytes_total")) {
          assertThat(s.family(family).keySet())
              .as(variant)
              .allSatisfy(
                  labels -> {
                    assertThat(labels.keySet())
                        .containsExactlyInAnyOrder("country", "country_name", "hostname");
                    assertThat(labels.get("country_name"))
                        .as(labels.toString())
                        .isEqualTo(NAMES.get(labels.get("country")));
                    assertThat(labels.get("hostname")).isEqualTo("edge1");
                  });
        }
        // The AS family is counted as before (the own AS from whichever database gives ASes).
        assertThat(sum(s, "flow_receive_bytes_total") + sum(s, "flow_transmit_bytes_total"))
            .as(variant)
            .isEqualTo(26500.0);
        assertThat(s.family("flow_exporter_country_db_info").keySet())
            .as(variant)
            .singleElement()
            .satisfies(l -> assertThat(l.get("path")).endsWith(".mmdb"));
        assertThat(exporter.log()).as(variant).contains("Loaded country database " + dir);
      }
      // A replaced country database: a bad replacement (an AS database) is refused and the old one
      // keeps answering; a good one renames the series at the next scrape, without reprocessing.
      ExporterProcess geoliteExporter = exporters.get("geolite2-country");
      replace(asnDb, geolite);
      Await.until(
          Duration.ofSeconds(60),
          () -> reloads(geoliteExporter, "failure") == 1.0,
          geoliteExporter::log);
      assertThat(geoliteExporter.isAlive()).isTrue();
      assertThat(
              byCountry(
                  Scrape.of(geoliteExporter.metricsPort()), "flow_country_receive_bytes_total"))
          .isEqualTo(EXPECTED_BYTES.get("receive"));
      Path renamed =
          write(
              dir,
              "GeoLite2-Country-renamed",
              maxmindCsv().replace("United States", "United States of America"),
              "--shape=maxmind-country");
      replace(renamed, geolite);
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            Scrape s = Scrape.of(geoliteExporter.metricsPort());
            return s != null
                && reloads(geoliteExporter, "success") == 1.0
                && s.family("flow_country_receive_bytes_total").keySet().stream()
                    .anyMatch(
                        l ->
                            l.get("country").equals("US")
                                && l.get("country_name").equals("United States of America"));
          },
          geoliteExporter::log);
      assertThat(
              byCountry(
                  Scrape.of(geoliteExporter.metricsPort()), "flow_country_receive_bytes_total"))
          .isEqualTo(EXPECTED_BYTES.get("receive"));

      // IPinfo Lite gave the ASes too: the Google series is named from it.
      Scrape ipinfoScrape = Scrape.of(exporters.get("ipinfo-lite").metricsPort());
      assertThat(ipinfoScrape.family("flow_receive_bytes_total").keySet())
          .anySatisfy(
              l ->
                  assertThat(l)
                      .containsEntry("source_as", "15169")
                      .containsEntry("source_as_name", "Google LLC")
                      .containsEntry("destination_as", "64500"));

      ExporterProcess without = exporters.get("no-country-db");
      Await.until(
          Duration.ofSeconds(120),
          () -> {
            Scrape s = Scrape.of(without.metricsPort());
            return s != null
                && sum(s, "flow_receive_bytes_total") + sum(s, "flow_transmit_bytes_total")
                    == 26500.0;
          },
          without::log);
      // Without a database, the two records that carry pmacct's country_ip_src count by it (FR,
      // and ZZ for pmacct's "" of an address it did not know); the others toward no country.
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            Scrape s = Scrape.of(without.metricsPort());
            return s != null
                && byCountry(s, "flow_country_receive_bytes_total")
                    .equals(Map.of("FR", 800.0, "ZZ", 1000.0));
          },
          without::log);
      Scrape s = Scrape.of(without.metricsPort());
      assertThat(s.series().keySet())
          .filteredOn(k -> k.startsWith("flow_country_"))
          .allMatch(k -> k.startsWith("flow_country_receive_"))
          .hasSize(4);
    } finally {
      exporters.values().forEach(ExporterProcess::close);
    }
  }

  @Test
  void anAsDatabaseGivenAsTheCountryDatabaseStopsStartUpWithStatusTwo(@TempDir Path dir)
      throws Exception {
    Path asnDb = AsnDatabaseIT.sampleDatabase(dir);
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
            "--country-db",
            asnDb.toString())) {
      assertThat(exporter.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(exporter.log())
          .contains(
              "--country-db",
              asnDb.toString(),
              "no country fields",
              "autonomous_system_number",
              "autonomous_system_organization");
    }
  }

  /** The networks in the MaxMind and DB-IP shapes' columns: network,country_code,country_name. */
  private static String maxmindCsv() {
    StringBuilder csv = new StringBuilder("# network,country_code,country_name\n");
    for (String line : NETWORKS.strip().split("\n")) {
      String[] f = line.split(",");
      csv.append(f[0]).append(',').append(f[1]).append(',').append(f[2]).append('\n');
    }
    return csv.toString();
  }

  /**
   * Writes a test .mmdb with asn-db's perl writer: {@code csv} as its test script reads it, {@code
   * options} its shape (e.g. {@code --shape=maxmind-country}).
   */
  static Path write(Path dir, String name, String csv, String... options) throws Exception {
    Programs.requireWorks(
        "libmaxmind-db-writer-perl", "perl", "-MMaxMind::DB::Writer::Tree", "-e", "1");
    Path input = Files.writeString(dir.resolve(name + ".csv"), csv);
    Path mmdb = dir.resolve(name + ".mmdb");
    List<String> command =
        new ArrayList<>(
            List.of(
                "perl",
                Programs.root().resolve("asn-db/src/test/scripts/write-mmdb.pl").toString()));
    command.addAll(List.of(options));
    command.add(input.toString());
    command.add(mmdb.toString());
    Process p = ChildProcesses.track(new ProcessBuilder(command).redirectErrorStream(true).start());
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("write-mmdb.pl: %s", out).isZero();
    return mmdb;
  }

  /** Replaces {@code target} as geoipupdate does: a copy in the same directory, then a rename. */
  private static void replace(Path source, Path target) throws Exception {
    Path next = target.resolveSibling("." + target.getFileName() + ".new");
    Files.copy(source, next, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(next, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static double reloads(ExporterProcess exporter, String result) {
    Scrape s = Scrape.of(exporter.metricsPort());
    if (s == null) {
      return -1;
    }
    return s.family("flow_exporter_country_db_reloads_total").entrySet().stream()
        .filter(e -> result.equals(e.getKey().get("result")))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  private static Map<String, Double> byCountry(Scrape s, String family) {
    Map<String, Double> m = new HashMap<>();
    s.family(family).forEach((labels, v) -> m.merge(labels.get("country"), v, Double::sum));
    return m;
  }

  private static double sum(Scrape s, String family) {
    return s.family(family).values().stream().mapToDouble(Double::doubleValue).sum();
  }
}
