package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AsnNameOverridesTest {

  @TempDir Path dir;

  private Path csv(String text) throws IOException {
    return Files.writeString(dir.resolve("overrides.csv"), text);
  }

  @Test
  void readsNamesCommentsBlankLinesQuotesAndHeader() throws IOException {
    AsnNameOverrides overrides =
        AsnNameOverrides.load(
            csv(
                """
                asn,name
                # our own ASes
                64512,Core network

                AS65000 , Lab, building 2
                4200000001,"Customer ""Acme"", Ltd"
                4294967294,Last private
                """));

    assertThat(overrides.size()).isEqualTo(4);
    assertThat(overrides.nameOf(64512)).isEqualTo("Core network");
    assertThat(overrides.nameOf(65000)).isEqualTo("Lab, building 2");
    assertThat(overrides.nameOf(4_200_000_001L)).isEqualTo("Customer \"Acme\", Ltd");
    assertThat(overrides.nameOf(4_294_967_294L)).isEqualTo("Last private");
    assertThat(overrides.nameOf(15169)).isEmpty();
  }

  @Test
  void overridesWinOverTheDatabaseAndTheRestFallsThrough() throws IOException {
    AsnDatabase db = AsnDatabase.load(TestDatabases.write(dir, "asn.mmdb", TestDatabases.SAMPLE));
    AsnLookup lookup =
        AsnNameOverrides.load(csv("15169,Google (override)\n64512,Core network\n")).applyTo(db);

    assertThat(lookup.nameOf(15169)).isEqualTo("Google (override)");
    assertThat(lookup.nameOf(13335)).isEqualTo("Cloudflare, Inc.");
    assertThat(lookup.nameOf(64512)).isEqualTo("Core network");
    assertThat(lookup.nameOf(64513)).isEmpty();
    assertThat(lookup.asnOf("8.8.8.8")).isEqualTo(15169);
  }

  @Test
  void noOverridesIsTheLookupItself() {
    assertThat(AsnNameOverrides.NONE.applyTo(AsnLookup.EMPTY)).isSameAs(AsnLookup.EMPTY);
    assertThat(AsnNameOverrides.of(Map.of(1L, "One")).applyTo(AsnLookup.EMPTY).nameOf(1))
        .isEqualTo("One");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "64512 Core network|line 2: expected asn,name but got: 64512 Core network",
        "AS-1,Minus|line 2: not an AS number: AS-1",
        "sixty,Words|line 2: not an AS number: sixty",
        "4294967296,Too big|line 2: AS number above 4294967295: 4294967296",
        "64512,|line 2: empty name for AS 64512",
        "64512,\"\"|line 2: empty name for AS 64512",
        "1,Again|line 2: AS 1 is listed twice",
      })
  void badLinesNameFileAndLine(String line, String problem) throws IOException {
    Path file = csv("1,First\n" + line + "\n3,Third\n");

    assertThatThrownBy(() -> AsnNameOverrides.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(file + ": " + problem);
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("none.csv");

    assertThatThrownBy(() -> AsnNameOverrides.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(file + ": no such file");
  }

  @Test
  void notUtf8() throws IOException {
    Path file = Files.write(dir.resolve("latin1.csv"), new byte[] {'1', ',', (byte) 0xE9, '\n'});

    assertThatThrownBy(() -> AsnNameOverrides.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(file + ": is not UTF-8 text");
  }
}
