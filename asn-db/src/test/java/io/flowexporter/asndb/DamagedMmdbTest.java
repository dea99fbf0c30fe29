package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Damaged files among the fuzz test's inputs, hand-made (by src/test/scripts/make-damaged-mmdb.py)
 * or found by fuzzing (crash-*), each with the outcome an operator should see.
 */
class DamagedMmdbTest {

  @Test
  void valuesNestedDeeplyInAFieldNobodyReadsAreSkippedWithoutOverflowingTheStack()
      throws Exception {
    for (String name : new String[] {"deep-array-in-skipped-field", "deep-map-in-skipped-field"}) {
      AsnDatabase db = AsnDatabase.load(input(name));
      assertThat(db.asnOf("8.8.8.8")).as(name).isEqualTo(15169);
      assertThat(db.nameOf(15169)).isEqualTo("G");
    }
  }

  @Test
  void aNodeCountBeyondTheFileIsRefusedAsTruncated() throws Exception {
    Path file = input("node-count-uint64-huge");
    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(
            file
                + ": damaged or truncated MaxMind DB file: file is shorter than its search tree (truncated?)");
  }

  @Test
  void aPointerToItselfIsRefusedAsDamaged() throws Exception {
    Path file = input("pointer-loop-in-record");
    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessageContaining("damaged")
        .hasMessageStartingWith(file + ": ");
  }

  @Test
  void metadataWhosePointersLoopIsRefusedInsteadOfOverflowingTheStack() throws Exception {
    // Found by MmdbFuzzTest: maxmind-db's decoder follows the loop until the stack overflows.
    Path file = input("crash-metadata-pointer-loop");
    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessage(file + ": damaged MaxMind DB file: its metadata holds a pointer loop");
    assertThatThrownBy(() -> CountryDatabase.load(file)).isInstanceOf(AsnDatabaseException.class);
  }

  private static Path input(String name) throws URISyntaxException {
    return Path.of(DamagedMmdbTest.class.getResource("MmdbFuzzTestInputs/load/" + name).toURI());
  }
}
