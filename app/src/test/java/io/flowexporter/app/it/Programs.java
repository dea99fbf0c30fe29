package io.flowexporter.app.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The repository root and the external programs the end-to-end tests need. */
public final class Programs {

  private Programs() {}

  /** The repository's root directory (failsafe passes it; else the parent of the module). */
  public static Path root() {
    String root = System.getProperty("flowexporter.root");
    return (root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent())
        .toAbsolutePath()
        .normalize();
  }

  /**
   * Fails (never skips) when a program is missing, saying which Debian package to install.
   *
   * @return the program's path
   */
  public static Path require(String program, String debianPackage) {
    if (program.startsWith("/")) {
      Path p = Path.of(program);
      if (Files.isExecutable(p)) {
        return p;
      }
    } else {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        for (String d : new String[] {dir, "/usr/sbin", "/sbin"}) {
          Path p = Path.of(d, program);
          if (Files.isExecutable(p)) {
            return p;
          }
        }
      }
    }
    throw new AssertionError(
        program
            + " is not installed: apt-get install "
            + debianPackage
            + " (or run bin/test, which installs what the tests need)");
  }

  /** Fails unless {@code command} exits 0, e.g. to check that a Python or Perl module loads. */
  public static void requireWorks(String debianPackage, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", command)
                + " failed ("
                + out.strip()
                + "): apt-get install "
                + debianPackage);
      }
    } catch (IOException e) {
      throw new AssertionError(
          command[0] + " is not installed: apt-get install " + debianPackage, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
