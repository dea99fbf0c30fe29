package io.flowexporter.topology;

import static io.flowexporter.topology.TestFlows.TOPIC;
import static io.flowexporter.topology.TestFlows.input;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.CountryFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The country family on TopologyTestDriver: the remote side's country (source for receive,
 * destination for transmit), pmacct's country fields winning over the database, ZZ for the unknown,
 * and no country series at all when the family is not enabled.
 */
class CountryFamilyTest {

  /** A country database of three networks, as a lookup (the database itself is asn-db's). */
  private static final CountryLookup COUNTRIES =
      new CountryLookup() {
        @Override
        public String countryOf(String ip) {
          if (ip == null) {
            return UNKNOWN;
          }
          if (ip.startsWith("8.8.")) {
            return "US";
          }
          if (ip.startsWith("2001:4860:")) {
            return "US";
          }
          if (ip.startsWith("1.1.")) {
            return "AU";
          }
          return UNKNOWN;
        }

        @Override
        public String nameOf(String code) {
          return code;
        }
      };

  @TempDir Path stateDir;

  private final CommittedTotals committed = new CommittedTotals();
  private final RecordOutcomes outcomes = new RecordOutcomes();

  private TopologyTestDriver driver(CountryLookup countries, SeriesFamilies families) {
    TopologyConfig config = new TopologyConfig(TOPIC, List.of(64500L), AsnFromIp.NEVER, 1);
    return TestFlows.driver(
        FlowTopology.build(config, 1, AsnLookup.EMPTY, countries, families, committed, outcomes),
        stateDir);
  }

  /** A pmacct record; {@code extra} is more JSON fields (pmacct's country fields), or "". */
  static String record(
      String label,
      long src,
      long dst,
      String ipSrc,
      String ipDst,
      long bytes,
      long packets,
      String extra) {
    return "{\"event_type\": \"purge\", \"label\": \""
        + label
        + "\", \"as_src\": "
        + src
        + ", \"as_dst\": "
        + dst
        + ", \"ip_src\": \""
        + ipSrc
        + "\", \"ip_dst\": \""
        + ipDst
        + "\", \"packets\": "
        + packets
        + ", \"bytes\": "
        + bytes
        + extra
        + "}";
  }

  private static Map<SeriesKey, Totals> countrySeries(Map<SeriesKey, Totals> all) {
    Map<SeriesKey, Totals> countries = new HashMap<>();
    all.forEach(
        (k, v) -> {
          if (k.familyId() == CountryFamily.FAMILY.id()) {
            countries.put(k, v);
          }
        });
    return countries;
  }

  @Test
  void theRemoteSidesCountryFromTheDatabaseZzWhenUnknown() {
    try (TopologyTestDriver driver = driver(COUNTRIES, SeriesFamilies.of(true))) {
      TestInputTopic<String, String> in = input(driver);
      // receive: the source is remote
      in.pipeInput(record("edge1", 15169, 64500, "8.8.8.8", "192.0.2.1", 1000, 2, ""));
      in.pipeInput(record("edge1", 15169, 64500, "2001:4860::8888", "2001:db8::1", 24, 1, ""));
      in.pipeInput(
          record(
              "edge1", 13335, 64500, "1.1.1.1", "8.8.4.4", 300, 3,
              "")); // the destination is ours: AU
      in.pipeInput(record("edge1", 65000, 64500, "10.1.2.3", "192.0.2.1", 7, 1, "")); // private: ZZ
      // transmit: the destination is remote
      in.pipeInput(record("edge1", 64500, 13335, "8.8.8.8", "1.1.1.1", 70, 1, ""));
      in.pipeInput(record("edge2", 64500, 13335, "192.0.2.1", "not an address", 5, 1, ""));
      // unmatched: no series
      in.pipeInput(record("edge1", 13335, 15169, "1.1.1.1", "8.8.8.8", 999, 9, ""));
      committed.committed();

      Map<SeriesKey, Totals> expected =
          Map.of(
              CountryFamily.key(Direction.RECEIVE, "US", "edge1"), new Totals(1024, 3, 2),
              CountryFamily.key(Direction.RECEIVE, "AU", "edge1"), new Totals(300, 3, 1),
              CountryFamily.key(Direction.RECEIVE, "ZZ", "edge1"), new Totals(7, 1, 1),
              CountryFamily.key(Direction.TRANSMIT, "AU", "edge1"), new Totals(70, 1, 1),
              CountryFamily.key(Direction.TRANSMIT, "ZZ", "edge2"), new Totals(5, 1, 1));
      Map<SeriesKey, Totals> snapshot = committed.snapshot();
      assertThat(countrySeries(snapshot)).isEqualTo(expected);
      assertThat(committed.seriesOf(CountryFamily.FAMILY.id())).isEqualTo(5);
      // The AS family is counted as before, each record once.
      assertThat(snapshot.get(AsFamily.key(Direction.RECEIVE, "edge1", 15169, 64500)))
          .isEqualTo(new Totals(1024, 3, 2));
      assertThat(outcomes.countedTotal()).isEqualTo(6);
      assertThat(CountryFamily.labels(CountryFamily.key(Direction.TRANSMIT, "AU", "edge1")))
          .isEqualTo(new CountryFamily.Labels(Direction.TRANSMIT, "AU", "edge1"));
    }
  }

  @Test
  void pmacctsCountryWinsOverTheDatabaseUnlessItIsUnknownOrInvalid() {
    try (TopologyTestDriver driver = driver(COUNTRIES, SeriesFamilies.of(true))) {
      TestInputTopic<String, String> in = input(driver);
      // pmacct says FR for the source (the database would say US), DE for the (local) destination
      in.pipeInput(
          record(
              "edge1",
              15169,
              64500,
              "8.8.8.8",
              "192.0.2.1",
              100,
              1,
              ", \"country_ip_src\": \"FR\", \"country_ip_dst\": \"DE\""));
      // lower case is read as upper case
      in.pipeInput(
          record(
              "edge1",
              64500,
              15169,
              "192.0.2.1",
              "8.8.8.8",
              10,
              1,
              ", \"country_ip_src\": \"US\", \"country_ip_dst\": \"fr\""));
      // pmacct's unknown marker, the empty string, ZZ, a number, a three-letter code: the database
      // answers
      in.pipeInput(
          record(
              "edge1", 15169, 64500, "8.8.8.8", "192.0.2.1", 1, 1, ", \"country_ip_src\": \"--\""));
      in.pipeInput(
          record(
              "edge1", 15169, 64500, "8.8.8.8", "192.0.2.1", 2, 1, ", \"country_ip_src\": \"\""));
      in.pipeInput(
          record(
              "edge1", 15169, 64500, "8.8.8.8", "192.0.2.1", 4, 1, ", \"country_ip_src\": \"ZZ\""));
      in.pipeInput(
          record("edge1", 15169, 64500, "8.8.8.8", "192.0.2.1", 8, 1, ", \"country_ip_src\": 12"));
      in.pipeInput(
          record(
              "edge1",
              15169,
              64500,
              "8.8.8.8",
              "192.0.2.1",
              16,
              1,
              ", \"country_ip_src\": \"USA\""));
      in.pipeInput(
          record(
              "edge1", 15169, 64500, "8.8.8.8", "192.0.2.1", 32, 1, ", \"country_ip_src\": null"));
      // pmacct knows a country the database does not
      in.pipeInput(
          record(
              "edge1",
              65000,
              64500,
              "10.1.2.3",
              "192.0.2.1",
              1000,
              1,
              ", \"country_ip_src\": \"NL\""));
      committed.committed();

      assertThat(countrySeries(committed.snapshot()))
          .isEqualTo(
              Map.of(
                  CountryFamily.key(Direction.RECEIVE, "FR", "edge1"), new Totals(100, 1, 1),
                  CountryFamily.key(Direction.TRANSMIT, "FR", "edge1"), new Totals(10, 1, 1),
                  CountryFamily.key(Direction.RECEIVE, "US", "edge1"), new Totals(63, 6, 6),
                  CountryFamily.key(Direction.RECEIVE, "NL", "edge1"), new Totals(1000, 1, 1)));
      assertThat(outcomes.invalidTotal()).isZero();
    }
  }

  /** What the exporter counts without a country database. */
  private static final SeriesFamilies FROM_PMACCT =
      new SeriesFamilies(List.of(AsFamily.FAMILY, CountryFamily.FROM_PMACCT));

  @Test
  void withoutADatabaseOnlyRecordsWithPmacctsCountriesCount() {
    try (TopologyTestDriver driver = driver(CountryLookup.EMPTY, FROM_PMACCT)) {
      TestInputTopic<String, String> in = input(driver);
      in.pipeInput(
          record(
              "edge1",
              15169,
              64500,
              "8.8.8.8",
              "192.0.2.1",
              100,
              1,
              ", \"country_ip_src\": \"US\""));
      // pmacct did not know the address: the record carries the field, so it counts under ZZ
      in.pipeInput(
          record(
              "edge1",
              15169,
              64500,
              "10.1.2.3",
              "192.0.2.1",
              7,
              1,
              ", \"country_ip_src\": \"--\", \"country_ip_dst\": \"--\""));
      // only the other side's field: still a record of a pmacct that adds countries
      in.pipeInput(
          record(
              "edge1",
              64500,
              13335,
              "192.0.2.1",
              "1.1.1.1",
              20,
              1,
              ", \"country_ip_src\": \"NL\""));
      // no country field: counted by AS, toward no country
      in.pipeInput(record("edge1", 15169, 64500, "8.8.8.8", "192.0.2.1", 5, 1, ""));
      committed.committed();
      assertThat(countrySeries(committed.snapshot()))
          .isEqualTo(
              Map.of(
                  CountryFamily.key(Direction.RECEIVE, "US", "edge1"), new Totals(100, 1, 1),
                  CountryFamily.key(Direction.RECEIVE, "ZZ", "edge1"), new Totals(7, 1, 1),
                  CountryFamily.key(Direction.TRANSMIT, "ZZ", "edge1"), new Totals(20, 1, 1)));
      assertThat(committed.seriesOf(AsFamily.FAMILY.id())).isEqualTo(2);
    }
  }

  @Test
  void withoutADatabaseNorPmacctsFieldsNoCountrySeries() {
    try (TopologyTestDriver driver = driver(COUNTRIES, FROM_PMACCT)) {
      TestInputTopic<String, String> in = input(driver);
      in.pipeInput(record("edge1", 15169, 64500, "8.8.8.8", "192.0.2.1", 1, 1, ""));
      in.pipeInput(record("edge1", 64500, 15169, "192.0.2.1", "8.8.8.8", 10, 1, ""));
      in.pipeInput(
          record(
              "edge1", 64500, 15169, "192.0.2.1", "8.8.8.8", 10, 1, ", \"country_ip_dst\": null"));
      committed.committed();
      Map<SeriesKey, Totals> snapshot = committed.snapshot();
      assertThat(snapshot).hasSize(2);
      assertThat(snapshot.keySet())
          .allSatisfy(k -> assertThat(k.familyId()).isEqualTo(AsFamily.FAMILY.id()));
      assertThat(committed.seriesOf(CountryFamily.FAMILY.id())).isZero();
    }
  }
}
