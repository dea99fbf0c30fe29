package io.flowexporter.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/running.md shows the pmacct configurations the end-to-end test uses, as they are now; the
 * README has the quick start that demo/'s BinDemoIT runs, and its test command is what CI runs.
 */
class ReadmeTest {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @ParameterizedTest
  @ValueSource(strings = {"deploy/pmacct/nfacctd.conf", "deploy/pmacct/pmacctd.conf"})
  void runningGuideQuotesTheTestedPmacctConfiguration(String file) throws Exception {
    String readme = Files.readString(ROOT.resolve("docs/running.md"));
    List<String> settings =
        Files.readAllLines(ROOT.resolve(file)).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("!"))
            .toList();
    assertThat(settings).isNotEmpty();
    assertThat(readme).contains(String.join("\n", settings));
  }

  @Test
  void theQuickStartIsBinDemoAndNoDocumentRunsTheDemoFromTheExportersJar() throws Exception {
    assertThat(Files.readString(ROOT.resolve("README.md"))).contains("```sh\nbin/demo\n```");
    // The console first, with its screenshot.
    assertThat(Files.readString(ROOT.resolve("README.md")))
        .contains("open <http://localhost:9590/>", "(docs/console.png)");
    assertThat(ROOT.resolve("docs/console.png")).isRegularFile();
    assertThat(ROOT.resolve("bin/demo")).isExecutable();
    // demo and generate are commands of demo/target/flow-exporter-demo.jar only.
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      for (Path doc :
          Stream.concat(
                  Stream.of(ROOT.resolve("README.md")),
                  docs.filter(d -> d.toString().endsWith(".md")))
              .toList()) {
        assertThat(Files.readString(doc))
            .as("%s", doc)
            .doesNotContain("flow-exporter.jar demo", "flow-exporter.jar generate");
      }
    }
  }

  @Test
  void theTestCommandIsBinTestAndCiRunsExactlyIt() throws Exception {
    assertThat(Files.readString(ROOT.resolve("README.md"))).contains("```sh\nbin/test\n```");
    assertThat(ROOT.resolve("bin/test")).isExecutable();
    List<String> commands =
        Files.readAllLines(ROOT.resolve(".ci/run")).stream()
            .map(String::strip)
            .filter(
                l ->
                    !l.isEmpty()
                        && !l.startsWith("#")
                        && !l.startsWith("set ")
                        && !l.startsWith("cd "))
            .toList();
    assertThat(commands).containsExactly("exec bin/test");
  }
}
