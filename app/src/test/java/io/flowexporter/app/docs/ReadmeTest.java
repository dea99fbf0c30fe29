package io.flowexporter.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README shows the pmacct configurations the end-to-end test uses, as they are now. */
class ReadmeTest {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @ParameterizedTest
  @ValueSource(strings = {"deploy/pmacct/nfacctd.conf", "deploy/pmacct/pmacctd.conf"})
  void readmeQuotesTheTestedPmacctConfiguration(String file) throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    List<String> settings = Files.readAllLines(ROOT.resolve(file)).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("!"))
        .toList();
    assertThat(settings).isNotEmpty();
    assertThat(readme).contains(String.join("\n", settings));
  }
}
