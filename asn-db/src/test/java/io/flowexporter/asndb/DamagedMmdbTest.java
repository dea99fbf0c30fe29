package io.flowexporter.asndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Hand-made files among the fuzz test's inputs (written by src/test/scripts/make-damaged-mmdb.py),
 * each with the outcome an operator should see.
 */
class DamagedMmdbTest {

  @Test
  void valuesNestedDeeplyInAFieldNobodyReadsAreSkippedWithoutOverflowingTheStack() throws Exception {
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
        .hasMessage(file + ": damaged or truncated MaxMind DB file: file is shorter than its search tree (truncated?)");
  }

  @Test
  void aPointerToItselfIsRefusedAsDamaged() throws Exception {
    Path file = input("pointer-loop-in-record");
    assertThatThrownBy(() -> AsnDatabase.load(file))
        .isInstanceOf(AsnDatabaseException.class)
        .hasMessageContaining("damaged")
        .hasMessageStartingWith(file + ": ");
  }

  private static Path input(String name) throws URISyntaxException {
    return Path.of(DamagedMmdbTest.class.getResource("MmdbFuzzTestInputs/load/" + name).toURI());
  }
}
