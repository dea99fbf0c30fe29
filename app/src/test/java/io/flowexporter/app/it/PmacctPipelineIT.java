package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Router → pmacct → Kafka → flow-exporter → Prometheus, all real programs on loopback.
 *
 * <p>A capture made by {@code e2e/make-pcap.py} (IPv4 and IPv6, TCP and UDP, a few thousand flows
 * between prefixes of known ASes) is exported as NetFlow v9 by softflowd and collected by nfacctd
 * with the configuration in {@code deploy/pmacct/}, which publishes pmacct JSON to a real broker
 * ({@code e2e/run-pipeline.sh} runs that part and waits until pmacct has sent everything).
 * flow-exporter consumes the topic; Debian's Prometheus scrapes it every second; the test asks
 * Prometheus's HTTP API for the sums per (source AS, destination AS) and compares them with the
 * capture's own totals: exactly equal, with the router's label and the AS names.
 *
 * <p>Variants: {@code single} (one record per message, AS numbers from nfacctd's networks_file:
 * IPv4 only, since pmacct 1.7.7 mangles IPv6 prefixes there), {@code multi} (kafka_multi_values)
 * and {@code noas} (nfacctd assigns no AS; flow-exporter finds every AS, IPv4 and IPv6, in its
 * .mmdb database), and {@code countries}: as {@code noas}, and nfacctd adds {@code country_ip_src}
 * / {@code country_ip_dst} itself from a GeoIP2 country database written for the test (two of the
 * capture's ASes left out, so pmacct's "" for the unknown is exercised); flow-exporter, given no
 * country database, counts by those fields, and its per-country totals equal the capture's.
 */
class PmacctPipelineIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PYTHON = "/usr/bin/python3";

  private record Variant(String name, String asnFromIp, String family, List<String> moreArgs) {
    Variant(String name, String asnFromIp, String family) {
      this(name, asnFromIp, family, List.of());
    }
  }

  private static final List<Variant> VARIANTS =
      List.of(
          new Variant("single", "never", "ipv4"),
          new Variant("multi", "never", "ipv4"),
          new Variant("noas", "auto", null),
          new Variant("countries", "auto", null));

  /** The countries of the capture's ASes in the test's country database; the others are in none. */
  private static final Map<String, String> COUNTRY_OF_AS =
      Map.of("15169", "US", "13335", "AU", "32934", "IE");

  @Test
  void flowExporterCountsExactlyWhatPmacctPublishes(@TempDir Path dir) throws Exception {
    Path root = Programs.root();
    Programs.require("nfacctd", "pmacct");
    Programs.require("softflowd", "softflowd");
    Programs.require("prometheus", "prometheus");
    Programs.requireWorks("python3-scapy", PYTHON, "-c", "import scapy.all");
    Programs.requireWorks(
        "libmaxmind-db-writer-perl", "perl", "-MMaxMind::DB::Writer::Tree", "-e", "1");

    Path pcapDir = dir.resolve("pcap");
    run(
        dir.resolve("make-pcap.log"),
        Duration.ofMinutes(3),
        Map.of(),
        PYTHON,
        root.resolve("e2e/make-pcap.py").toString(),
        pcapDir.toString());
    JsonNode expected = JSON.readTree(pcapDir.resolve("expected.json").toFile());
    Path mmdb = writeDatabase(root, dir, expected);
    Path countryMmdb = writeCountryDatabase(root, dir, expected);
    Map<String, String> names = new TreeMap<>();
    expected
        .get("ases")
        .properties()
        .forEach(e -> names.put(e.getKey(), e.getValue().get("name").asText()));

    Map<String, Integer> ports = new TreeMap<>();
    for (Variant v : VARIANTS) {
      ports.put(v.name(), ExporterProcess.freePort());
    }
    Map<String, List<Integer>> jobs = new TreeMap<>();
    ports.forEach((job, port) -> jobs.put(job, List.of(port)));
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Prometheus prometheus = Prometheus.start(dir.resolve("prometheus"), jobs)) {
      List<ExporterProcess> exporters = new ArrayList<>();
      try {
        for (Variant v : VARIANTS) {
          String topic = "pmacct-" + v.name();
          Topics.create(broker.bootstrapServers(), topic, 3);
          Path out = dir.resolve(v.name());
          run(
              dir.resolve(v.name() + "-pipeline.log"),
              Duration.ofMinutes(3),
              v.name().equals("countries")
                  ? Map.of("PCAP_DIR", pcapDir.toString(), "GEOIPV2_FILE", countryMmdb.toString())
                  : Map.of("PCAP_DIR", pcapDir.toString()),
              "bash",
              root.resolve("e2e/run-pipeline.sh").toString(),
              broker.bootstrapServers(),
              topic,
              v.name(),
              out.toString());
          List<String> args =
              new ArrayList<>(
                  List.of(
                      "--addr",
                      "127.0.0.1:" + ports.get(v.name()),
                      "--brokers",
                      broker.bootstrapServers(),
                      "--topic",
                      topic,
                      "--asn",
                      expected.get("operator_asn").asText(),
                      "--asn-db",
                      mmdb.toString(),
                      "--asn-from-ip",
                      v.asnFromIp(),
                      "--from-beginning",
                      "--application-id",
                      "e2e-" + v.name(),
                      "--state-dir",
                      dir.resolve(v.name() + "-state").toString(),
                      "--commit-interval",
                      "500"));
          args.addAll(v.moreArgs());
          ExporterProcess exporter =
              ExporterProcess.startRaw(
                  dir.resolve(v.name() + "-exporter.log"),
                  Map.of(),
                  ports.get(v.name()),
                  args.toArray(String[]::new));
          exporters.add(exporter);
        }
        for (Variant v : VARIANTS) {
          assertExact(prometheus, v, expected, names, exporters.get(VARIANTS.indexOf(v)));
        }
        assertCountriesExact(prometheus, expected, exporters.get(VARIANTS.size() - 1));
      } finally {
        exporters.forEach(ExporterProcess::close);
      }
    }
  }

  /** Prometheus's sums equal the capture's totals for one variant, and the labels are right. */
  private static void assertExact(
      Prometheus prometheus,
      Variant v,
      JsonNode expected,
      Map<String, String> names,
      ExporterProcess exporter) {
    Map<String, Long> want = new TreeMap<>();
    JsonNode rows = v.family() == null ? expected.get("totals") : expected.get("totals_by_family");
    for (JsonNode row : rows) {
      if (v.family() != null && !v.family().equals(row.get("family").asText())) {
        continue;
      }
      String key =
          row.get("direction").asText()
              + " "
              + row.get("src_as").asText()
              + "->"
              + row.get("dst_as").asText();
      want.merge(key + " bytes", row.get("bytes").asLong(), Long::sum);
      want.merge(key + " packets", row.get("packets").asLong(), Long::sum);
    }
    Map<String, Long> got = new TreeMap<>();
    Await.until(
        Duration.ofSeconds(120),
        () -> {
          got.clear();
          for (String direction : new String[] {"receive", "transmit"}) {
            for (String unit : new String[] {"bytes", "packets"}) {
              JsonNode result =
                  prometheus.query(
                      "sum by (source_as, destination_as) (flow_"
                          + direction
                          + "_"
                          + unit
                          + "_total{job=\""
                          + v.name()
                          + "\"})");
              for (JsonNode r : result) {
                got.put(
                    direction
                        + " "
                        + r.get("metric").get("source_as").asText()
                        + "->"
                        + r.get("metric").get("destination_as").asText()
                        + " "
                        + unit,
                    Long.parseLong(r.get("value").get(1).asText()));
              }
            }
          }
          return want.equals(got);
        },
        () ->
            "variant "
                + v.name()
                + ": Prometheus has\n"
                + got
                + "\nexpected\n"
                + want
                + "\nexporter log:\n"
                + exporter.log());

    JsonNode series =
        prometheus.query(
            "{__name__=~\"flow_(receive|transmit)_bytes_total\", job=\"" + v.name() + "\"}");
    assertThat(series).isNotEmpty();
    for (JsonNode s : series) {
      JsonNode m = s.get("metric");
      assertThat(m.get("hostname").asText()).as("router label of %s", m).isEqualTo("edge1");
      assertThat(m.get("source_as_name").asText())
          .as("source name of %s", m)
          .isEqualTo(names.get(m.get("source_as").asText()));
      assertThat(m.get("destination_as_name").asText())
          .as("destination name of %s", m)
          .isEqualTo(names.get(m.get("destination_as").asText()));
    }
  }

  /**
   * Prometheus's per-country sums of the {@code countries} variant equal the capture's: the remote
   * AS's country (source for receive, destination for transmit), ZZ where the test's country
   * database has none, as nfacctd wrote them into the records.
   */
  private static void assertCountriesExact(
      Prometheus prometheus, JsonNode expected, ExporterProcess exporter) {
    Map<String, Long> want = new TreeMap<>();
    for (JsonNode row : expected.get("totals")) {
      String direction = row.get("direction").asText();
      String remoteAs = row.get(direction.equals("receive") ? "src_as" : "dst_as").asText();
      String key = direction + " " + COUNTRY_OF_AS.getOrDefault(remoteAs, "ZZ");
      want.merge(key + " bytes", row.get("bytes").asLong(), Long::sum);
      want.merge(key + " packets", row.get("packets").asLong(), Long::sum);
    }
    assertThat(want.keySet())
        .as("the capture has traffic of every country and of ZZ")
        .contains(
            "receive US bytes",
            "receive AU bytes",
            "receive IE bytes",
            "receive ZZ bytes",
            "transmit ZZ bytes");
    Map<String, Long> got = new TreeMap<>();
    Await.until(
        Duration.ofSeconds(120),
        () -> {
          got.clear();
          for (String direction : new String[] {"receive", "transmit"}) {
            for (String unit : new String[] {"bytes", "packets"}) {
              JsonNode result =
                  prometheus.query(
                      "sum by (country) (flow_country_"
                          + direction
                          + "_"
                          + unit
                          + "_total{job=\"countries\"})");
              for (JsonNode r : result) {
                got.put(
                    direction + " " + r.get("metric").get("country").asText() + " " + unit,
                    Long.parseLong(r.get("value").get(1).asText()));
              }
            }
          }
          return want.equals(got);
        },
        () ->
            "variant countries: Prometheus has\n"
                + got
                + "\nexpected\n"
                + want
                + "\nexporter log:\n"
                + exporter.log());
  }

  /** The capture's prefixes of the ASes in {@link #COUNTRY_OF_AS}, in GeoLite2-Country's layout. */
  private static Path writeCountryDatabase(Path root, Path dir, JsonNode expected)
      throws Exception {
    StringBuilder csv = new StringBuilder("# network,country_code,country_name\n");
    expected
        .get("ases")
        .properties()
        .forEach(
            e -> {
              String country = COUNTRY_OF_AS.get(e.getKey());
              if (country != null) {
                for (JsonNode prefix : e.getValue().get("prefixes")) {
                  csv.append(prefix.asText()).append(',').append(country).append(",\n");
                }
              }
            });
    Path input = Files.writeString(dir.resolve("countries.csv"), csv);
    Path mmdb = dir.resolve("e2e-country.mmdb");
    run(
        dir.resolve("write-country-mmdb.log"),
        Duration.ofMinutes(1),
        Map.of(),
        "perl",
        root.resolve("asn-db/src/test/scripts/write-mmdb.pl").toString(),
        "--shape=maxmind-country",
        input.toString(),
        mmdb.toString());
    return mmdb;
  }

  /** The test's AS database, from the capture's own AS table, written by MaxMind's writer. */
  private static Path writeDatabase(Path root, Path dir, JsonNode expected) throws Exception {
    StringBuilder csv = new StringBuilder("# network,asn,organisation\n");
    expected
        .get("ases")
        .properties()
        .forEach(
            e -> {
              for (JsonNode prefix : e.getValue().get("prefixes")) {
                csv.append(prefix.asText())
                    .append(',')
                    .append(e.getKey())
                    .append(",\"")
                    .append(e.getValue().get("name").asText())
                    .append("\"\n");
              }
            });
    Path input = Files.writeString(dir.resolve("ases.csv"), csv);
    Path mmdb = dir.resolve("e2e-asn.mmdb");
    run(
        dir.resolve("write-mmdb.log"),
        Duration.ofMinutes(1),
        Map.of(),
        "perl",
        root.resolve("asn-db/src/test/scripts/write-mmdb.pl").toString(),
        input.toString(),
        mmdb.toString());
    return mmdb;
  }

  /** Runs a command to completion; fails with its output if it does not exit 0 in time. */
  private static void run(Path log, Duration timeout, Map<String, String> env, String... command)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = ChildProcesses.track(pb.start());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish in "
                + timeout
                + ":\n"
                + Files.readString(log));
      }
      assertThat(p.exitValue())
          .as("%s exit status; output:\n%s", String.join(" ", command), Files.readString(log))
          .isZero();
    } finally {
      // Children first: killing the script alone would leave the nfacctd it started running.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
