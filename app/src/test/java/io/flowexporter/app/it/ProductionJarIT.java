package io.flowexporter.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter's jar, as {@code mvn package} built it, runs the exporter only: no Kafka broker
 * (kafka_2.13's Scala classes in package {@code kafka}, Scala, the KRaft modules), no demo, no
 * record generator, and no {@code demo} command. Those are in {@code
 * demo/target/flow-exporter-demo.jar}.
 */
class ProductionJarIT {

  /** The Java parts of the broker, Scala, and the demo's own code and sample data. */
  private static final List<String> NOT_IN_PRODUCTION =
      List.of(
          "scala/",
          "org/apache/kafka/raft/",
          "org/apache/kafka/controller/",
          "org/apache/kafka/metadata/",
          "io/flowexporter/broker/",
          "io/flowexporter/generator/",
          "io/flowexporter/demo/",
          "demo/");

  private static boolean notForProduction(String entry) {
    // kafka/ also holds the clients' and Kafka Streams' version files; its classes are the
    // broker's.
    return (entry.startsWith("kafka/") && entry.endsWith(".class"))
        || NOT_IN_PRODUCTION.stream().anyMatch(entry::startsWith);
  }

  @Test
  void theJarHoldsNoBrokerAndNoDemo() throws Exception {
    try (JarFile jar = new JarFile(ExporterProcess.jar().toFile())) {
      List<String> names = jar.stream().map(JarEntry::getName).toList();
      assertThat(names)
          .as("the exporter itself is in the jar")
          .contains("io/flowexporter/app/Exporter.class");
      assertThat(names.stream().filter(ProductionJarIT::notForProduction).limit(10))
          .as("entries of the broker, the generator or the demo in %s", ExporterProcess.jar())
          .isEmpty();
    }
  }

  @Test
  void theJarCarriesRocksDbForThePlatformsAnExporterRunsOn() throws Exception {
    try (JarFile jar = new JarFile(ExporterProcess.jar().toFile())) {
      assertThat(jar.stream().map(JarEntry::getName).filter(n -> n.startsWith("librocksdbjni")))
          .containsExactlyInAnyOrder(
              "librocksdbjni-linux64.so",
              "librocksdbjni-linux64-musl.so",
              "librocksdbjni-linux-aarch64.so",
              "librocksdbjni-linux-aarch64-musl.so",
              "librocksdbjni-osx-x86_64.jnilib",
              "librocksdbjni-osx-arm64.jnilib",
              "librocksdbjni-win64.dll");
    }
  }

  @Test
  void theJarHasNoDemoCommand(@TempDir Path dir) {
    // A bad flag, so that a jar that has the command fails at once instead of running the demo.
    try (ExporterProcess demo =
        ExporterProcess.startRaw(dir.resolve("demo.log"), Map.of(), 0, "demo", "--rate", "0")) {
      assertThat(demo.waitFor(Duration.ofSeconds(60))).as(demo.log()).isEqualTo(2);
      assertThat(demo.log()).contains("Unmatched arguments from index 0: 'demo'");
    }
  }
}
