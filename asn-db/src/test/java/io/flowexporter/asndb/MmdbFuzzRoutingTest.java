package io.flowexporter.asndb;

import static io.flowexporter.asndb.MmdbFuzzTest.AS;
import static io.flowexporter.asndb.MmdbFuzzTest.COUNTRY;
import static io.flowexporter.asndb.MmdbFuzzTest.loadersFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link MmdbFuzzTest}'s choice of loaders for a fuzzed input keeps no input from a loader that
 * would load it. A class of its own: the fuzzing JVM of bench/fuzz runs {@code MmdbFuzzTest} alone,
 * and a test loading the database classes there before Jazzer's agent is installed could leave them
 * uninstrumented.
 */
class MmdbFuzzRoutingTest {

  /**
   * What {@link MmdbFuzzTest#loadersFor} relies on, over every committed input: each loader that
   * loads a file is one the file goes to when fuzzing; the seeds of each kind go to their own
   * loader.
   */
  @Test
  void fuzzedInputsGoToEveryLoaderThatLoadsThem() throws IOException, URISyntaxException {
    Path inputs = Path.of(MmdbFuzzTest.class.getResource("MmdbFuzzTestInputs/load").toURI());
    List<Path> files;
    try (Stream<Path> list = Files.list(inputs)) {
      files = list.sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      int loaders = loadersFor(Files.readAllBytes(file));
      if (loads(() -> AsnDatabase.load(file))) {
        assertThat(loaders & AS).as("AS loader for %s", file.getFileName()).isNotZero();
      }
      if (loads(() -> CountryDatabase.load(file))) {
        assertThat(loaders & COUNTRY).as("country loader for %s", file.getFileName()).isNotZero();
      }
    }
    Map<String, Integer> seeds = new TreeMap<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.startsWith("seed-")) {
        seeds.put(name, loadersFor(Files.readAllBytes(file)));
      }
    }
    assertThat(seeds)
        .containsEntry("seed-asn-ipv4-24", AS)
        .containsEntry("seed-asn-ipv6", AS)
        .containsEntry("seed-country-ipv4", COUNTRY)
        .containsEntry("seed-country-ipv6", COUNTRY)
        .containsEntry("seed-ipinfo-ipv4-32", AS)
        .containsEntry("seed-ipinfo-lite-ipv4", AS | COUNTRY);
  }

  private interface Load {
    Object load() throws AsnDatabaseException;
  }

  private static boolean loads(Load load) {
    try {
      load.load();
      return true;
    } catch (AsnDatabaseException e) {
      return false;
    }
  }
}
