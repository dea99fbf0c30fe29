package io.flowexporter.asndb;

import static io.flowexporter.asndb.TestDatabases.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The country database reloads with the AS database's mechanism ({@link ReloadingDatabase}, whose
 * races and edge cases {@link ReloadingAsnDatabaseTest} covers): new answers after a replacement,
 * bad replacements refused with the old answers kept.
 */
class ReloadingCountryDatabaseTest {

  private static final String OLD =
      "8.8.8.0/24,US,United States\n2001:4860::/32,US,United States\n";
  private static final String NEW = "8.8.8.0/24,CH,Switzerland\n2001:4860::/32,CH,Switzerland\n";

  @TempDir Path dir;

  private final TestDatabases.RecordingListener listener = new TestDatabases.RecordingListener();

  @Test
  void replacedFileGivesNewAnswersAndBadReplacementsAreRefused() throws Exception {
    Path file =
        TestDatabases.write(
            dir, "GeoLite2-Country.mmdb", OLD, "--shape=maxmind-country", "--build-epoch=1000");
    try (ReloadingCountryDatabase db =
        ReloadingCountryDatabase.open(file, Duration.ofMillis(20), listener)) {
      assertThat(db.countryOf("8.8.8.8")).isEqualTo("US");
      assertThat(db.nameOf("US")).isEqualTo("United States");
      assertThat(listener.loaded).hasSize(1);
      assertThat(listener.loaded.get(0).shape()).isEqualTo(RecordShape.MAXMIND_COUNTRY);
      assertThat(listener.loaded.get(0).countries()).isEqualTo(1);
      assertThat(db.info()).isEqualTo(listener.loaded.get(0));
      assertThat(db).hasToString("ReloadingCountryDatabase[" + file + "]");

      // a good replacement, in another layout
      TestDatabases.replace(dir, file, NEW, "--shape=maxmind-city", "--build-epoch=2000");
      await("new database visible", () -> db.countryOf("2001:4860::1").equals("CH"));
      await("listener told", () -> listener.loaded.size() == 2);
      assertThat(db.nameOf("CH")).isEqualTo("Switzerland");
      // no longer named by the database: the JDK's English name
      assertThat(db.nameOf("US")).isEqualTo("United States");
      assertThat(db.info().buildEpoch()).isEqualTo(2000);
      assertThat(db.current().info().type()).isEqualTo("GeoLite2-City");

      // an AS database put in its place
      TestDatabases.replace(dir, file, TestDatabases.SAMPLE, "--build-epoch=3000");
      await("AS database refused", () -> listener.failed.size() == 1);
      assertThat(listener.failed.get(0))
          .isInstanceOf(AsnDatabaseException.class)
          .hasMessageStartingWith(file + ": no country fields");
      assertThat(db.countryOf("8.8.8.8")).isEqualTo("CH");

      // not a database at all
      TestDatabases.replace(file, "not a database".getBytes(StandardCharsets.UTF_8));
      await("garbage refused", () -> listener.failed.size() == 2);
      assertThat(db.countryOf("8.8.8.8")).isEqualTo("CH");
      assertThat(db.nameOf("CH")).isEqualTo("Switzerland");
      assertThat(db.info().buildEpoch()).isEqualTo(2000);
      assertThat(listener.loaded).hasSize(2);
    }
  }

  @Test
  void anAsDatabaseAtStartIsAnError() throws Exception {
    Path file = TestDatabases.write(dir, "GeoLite2-ASN.mmdb", TestDatabases.SAMPLE);

    assertThatThrownBy(() -> ReloadingCountryDatabase.open(file, Duration.ofSeconds(1), listener))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessageContaining("no country fields")
        .hasMessageEndingWith(
            "its records have autonomous_system_number, autonomous_system_organization");
    assertThat(listener.loaded).isEmpty();
  }

  @Test
  void ipinfoLiteServesAsBothDatabasesAndBothFollowIt() throws Exception {
    Path file =
        TestDatabases.write(
            dir, "ipinfo_lite.mmdb", TestDatabases.IPINFO_LITE, "--shape=ipinfo-lite");
    try (ReloadingAsnDatabase asns =
            ReloadingAsnDatabase.open(file, Duration.ofHours(1), listener);
        ReloadingCountryDatabase countries =
            ReloadingCountryDatabase.open(file, Duration.ofHours(1), listener)) {
      assertThat(asns.asnOf("8.8.8.8")).isEqualTo(15169);
      assertThat(countries.countryOf("8.8.8.8")).isEqualTo("US");

      TestDatabases.replace(
          dir, file, "8.8.8.0/24,CH,Switzerland,64512,Moved\n", "--shape=ipinfo-lite");
      assertThat(asns.reloadIfChanged()).isTrue();
      assertThat(countries.reloadIfChanged()).isTrue();
      assertThat(asns.asnOf("8.8.8.8")).isEqualTo(64512);
      assertThat(asns.nameOf(64512)).isEqualTo("Moved");
      assertThat(countries.countryOf("8.8.8.8")).isEqualTo("CH");
      assertThat(listener.loaded)
          .extracting(DatabaseInfo::shape)
          .containsExactly(
              RecordShape.IPINFO,
              RecordShape.IPINFO_COUNTRY,
              RecordShape.IPINFO,
              RecordShape.IPINFO_COUNTRY);
      assertThat(Files.exists(file)).isTrue();
    }
  }
}
