package io.flowexporter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.app.it.Programs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/demo}, the README's quick start: it runs the demo's jar, and builds it first only when
 * it is missing, older than the sources, or when asked. The build decisions are checked on a copy
 * of the script in a scratch tree, with {@code bin/maven} and {@code java} replaced by stubs that
 * write down how they were called.
 */
class BinDemoIT {

  private static final String JAR = "demo/target/flow-exporter-demo.jar";

  /** The recommended JIT options bin/demo starts the demo with. */
  private static final String JIT_LIMITS = "-XX:FreqInlineSize=100 -XX:InlineSmallCode=1000";

  @TempDir Path tree;
  @TempDir Path stubs;
  private Path calls;

  @BeforeEach
  void scratchTreeWithStubs() throws IOException {
    Files.createDirectories(tree.resolve("bin"));
    Files.copy(Programs.root().resolve("bin/demo"), tree.resolve("bin/demo"));
    Files.writeString(tree.resolve("pom.xml"), "<project/>\n");
    Files.createDirectories(tree.resolve("demo/src/main/java"));
    Files.createDirectories(tree.resolve("demo/src/test/java"));
    calls = stubs.resolve("calls");
    // bin/maven "builds" the jar; both write their working directory and arguments to the calls
    // file.
    stub(
        tree.resolve("bin"),
        "maven",
        "echo \"maven $PWD $*\" >> " + calls + "; mkdir -p demo/target; touch " + JAR);
    stub("java", "echo \"java $*\" >> " + calls);
  }

  @Test
  void theRepositorysScriptRunsTheFreshJarWithoutBuilding() throws Exception {
    // The real script and the jar this build just made; a build here would be a stale-check bug.
    Path java = Path.of(System.getProperty("java.home"), "bin");
    Result r =
        run(Programs.root().resolve("bin/demo"), java + ":" + System.getenv("PATH"), "--help");
    assertThat(r.status).as(r.output).isZero();
    assertThat(r.output)
        .contains("Usage: flow-exporter demo", "--rate", "--kafka-port")
        .doesNotContain("building");
  }

  @Test
  void aMissingJarIsBuiltThenTheDemoRunsWithTheArguments() throws Exception {
    Result r = runCopy("--rate", "5");
    assertThat(r.status).as(r.output).isZero();
    assertThat(calls())
        .containsExactly("maven " + tree + " -B -q package -DskipTests", listingRun("--rate 5"));
  }

  @Test
  void aJarNewerThanTheMainSourcesAndPomsRunsAsItIs() throws Exception {
    freshJar();
    // Tests are not in the jar: a newer test source needs no build.
    Files.writeString(tree.resolve("demo/src/test/java/ATest.java"), "class ATest {}\n");
    assertThat(runCopy().status).isZero();
    assertThat(calls()).containsExactly(listingRun(""));
  }

  @Test
  void aJarOlderThanAPomOrAMainSourceIsRebuilt() throws Exception {
    for (String source : List.of("pom.xml", "demo/src/main/java/A.java")) {
      freshJar();
      Files.writeString(tree.resolve(source), "changed\n");
      Files.deleteIfExists(calls);
      assertThat(runCopy().status).isZero();
      assertThat(calls())
          .as("after a change of %s", source)
          .hasSize(2)
          .first()
          .asString()
          .startsWith("maven ");
    }
  }

  @Test
  void buildFirstForcesABuildAndIsNotPassedOn() throws Exception {
    freshJar();
    assertThat(runCopy("--build", "--port", "0").status).isZero();
    assertThat(calls())
        .containsExactly("maven " + tree + " -B -q package -DskipTests", listingRun("--port 0"));
  }

  @Test
  void theRunAfterTheClassListWritesTheClassDataArchiveAndStartsFromIt() throws Exception {
    freshJar();
    Path classes = tree.resolve("demo/target/flow-exporter-demo.classlist");
    Path archive = tree.resolve("demo/target/flow-exporter-demo.jsa");
    Files.writeString(classes, "java/lang/Object id: 0\n@lambda-proxy a b\n");
    assertThat(runCopy().status).isZero();
    assertThat(calls())
        .containsExactly(
            "java -Xshare:dump -XX:SharedClassListFile="
                + classes
                + ".without-lambdas"
                + " -XX:SharedArchiveFile="
                + archive
                + " -cp "
                + tree.resolve(JAR),
            "java "
                + JIT_LIMITS
                + " -XX:SharedArchiveFile="
                + archive
                + " -jar "
                + tree.resolve(JAR)
                + " demo");
    // JDK 17 crashes dumping lambda proxies: the list it dumps from has none.
    assertThat(Files.readString(Path.of(classes + ".without-lambdas")))
        .doesNotContain("@lambda-proxy");
  }

  /** The java call of a first run after a build: it lists the classes it loads for the archive. */
  private String listingRun(String args) {
    Path jar = tree.resolve(JAR);
    String classes = jar.toString().replace(".jar", ".classlist");
    return ("java "
            + JIT_LIMITS
            + " -XX:DumpLoadedClassList="
            + classes
            + " -jar "
            + jar
            + " demo "
            + args)
        .strip();
  }

  /** The sources as of an hour ago and a jar built a minute after them. */
  private void freshJar() throws IOException {
    Path jar = tree.resolve(JAR);
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "");
    Files.writeString(tree.resolve("demo/src/main/java/A.java"), "class A {}\n");
    Instant built = Instant.now().minusSeconds(3600);
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(f, FileTime.from(f.equals(jar) ? built : built.minusSeconds(60)));
      }
    }
  }

  private void stub(String name, String body) throws IOException {
    stub(stubs, name, body);
  }

  private static void stub(Path dir, String name, String body) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private List<String> calls() throws IOException {
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private Result runCopy(String... args) throws Exception {
    return run(tree.resolve("bin/demo"), stubs + ":" + System.getenv("PATH"), args);
  }

  private record Result(int status, String output) {}

  private static Result run(Path script, String path, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PATH", path);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("bin/demo ended; output:\n%s", output).isTrue();
    return new Result(p.exitValue(), output);
  }
}
