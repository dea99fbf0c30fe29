package io.flowexporter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.filter.FlowFilter;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlowDocumentsConfigTest {

  private static final FlowFilter PORT_443 = FlowFilter.parse("port=443");
  private static final long SIZE = FlowDocumentsConfig.DEFAULT_MAX_SIZE;
  private static final int FILES = FlowDocumentsConfig.DEFAULT_MAX_FILES;

  @Test
  void aFilterOrRotationWithNowhereToWriteIsNamed() {
    assertThat(FlowDocumentsConfig.NONE.flagsWithoutEffect()).isEmpty();
    assertThat(
            new FlowDocumentsConfig(Optional.empty(), Optional.empty(), 512 * 1024, 20, PORT_443)
                .flagsWithoutEffect())
        .containsExactly("--flow-filter", "--flow-log-max-size", "--flow-log-max-files");
  }

  @Test
  void theRotationFlagsAreAboutTheLogAloneTheFilterAboutEitherOutput() {
    assertThat(
            new FlowDocumentsConfig(Optional.of("docs"), Optional.empty(), SIZE, 20, PORT_443)
                .flagsWithoutEffect())
        .containsExactly("--flow-log-max-files");
    assertThat(
            new FlowDocumentsConfig(
                    Optional.empty(), Optional.of(Path.of("flows.json")), 4096, 2, PORT_443)
                .flagsWithoutEffect())
        .isEmpty();
    assertThat(
            new FlowDocumentsConfig(Optional.of("docs"), Optional.empty(), SIZE, FILES, PORT_443)
                .flagsWithoutEffect())
        .isEmpty();
  }
}
