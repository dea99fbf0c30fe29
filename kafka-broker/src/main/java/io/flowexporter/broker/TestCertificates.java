package io.flowexporter.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A private certificate authority and a server certificate it signed, made on the spot with the
 * JDK's own {@code keytool} (in a child process): nothing is committed, nothing comes from the
 * internet. Every store is PKCS12 with one random password ({@link #password()}); keys are EC
 * P-256, which keytool makes in milliseconds.
 *
 * <p>Files in {@code dir}: {@code server.p12} (the server's key and chain), {@code truststore.p12}
 * (the CA that signed it), and, on demand, {@code other-truststore.p12} (a second CA that signed
 * nothing the server has: a client trusting only it fails the handshake).
 */
public final class TestCertificates {

  private static final String DAYS = "2";

  private final Path dir;
  private final String password;

  private TestCertificates(Path dir, String password) {
    this.dir = dir;
    this.password = password;
  }

  /**
   * Makes a CA and a server certificate for {@code serverNames} (host names, or IPv4 addresses such
   * as {@code 127.0.0.1}), unless {@code dir} holds them already (a restarted broker keeps its
   * certificate).
   */
  public static TestCertificates create(Path dir, List<String> serverNames) {
    try {
      Files.createDirectories(dir);
      Path passwordFile = dir.resolve("password");
      if (Files.exists(passwordFile)) {
        return new TestCertificates(dir, Files.readString(passwordFile, StandardCharsets.UTF_8));
      }
      TestCertificates c = new TestCertificates(dir, UUID.randomUUID().toString());
      c.makeCa("ca.p12", "flow-exporter test CA");
      c.keytool(
          "-genkeypair",
          "-alias",
          "server",
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-dname",
          "CN=" + serverNames.get(0),
          "-validity",
          DAYS,
          "-keystore",
          c.file("server.p12"));
      c.keytool(
          "-certreq",
          "-alias",
          "server",
          "-keystore",
          c.file("server.p12"),
          "-file",
          c.file("server.csr"));
      c.keytool(
          "-gencert",
          "-alias",
          "ca",
          "-keystore",
          c.file("ca.p12"),
          "-infile",
          c.file("server.csr"),
          "-outfile",
          c.file("server.pem"),
          "-rfc",
          "-validity",
          DAYS,
          "-ext",
          "SAN=" + subjectAltNames(serverNames),
          "-ext",
          "EKU=serverAuth,clientAuth");
      c.keytool(
          "-exportcert",
          "-alias",
          "ca",
          "-keystore",
          c.file("ca.p12"),
          "-rfc",
          "-file",
          c.file("ca.pem"));
      c.keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "ca",
          "-file",
          c.file("ca.pem"),
          "-keystore",
          c.file("server.p12"));
      c.keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "server",
          "-file",
          c.file("server.pem"),
          "-keystore",
          c.file("server.p12"));
      c.keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "ca",
          "-file",
          c.file("ca.pem"),
          "-keystore",
          c.file("truststore.p12"));
      Files.writeString(passwordFile, c.password, StandardCharsets.UTF_8);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The password of every store. */
  public String password() {
    return password;
  }

  /** The server's key and certificate chain. */
  public Path serverKeystore() {
    return dir.resolve("server.p12");
  }

  /** A truststore holding the CA that signed the server's certificate. */
  public Path truststore() {
    return dir.resolve("truststore.p12");
  }

  /** A truststore holding only another CA: the server's certificate is not trusted by it. */
  public synchronized Path otherTruststore() {
    Path other = dir.resolve("other-truststore.p12");
    if (!Files.exists(other)) {
      makeCa("other-ca.p12", "flow-exporter other test CA");
      keytool(
          "-exportcert",
          "-alias",
          "ca",
          "-keystore",
          file("other-ca.p12"),
          "-rfc",
          "-file",
          file("other-ca.pem"));
      keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "ca",
          "-file",
          file("other-ca.pem"),
          "-keystore",
          other.toString());
    }
    return other;
  }

  /**
   * A certificate for the server's key, signed by the CA, that expired days ago (PEM): what a
   * broker presents when its certificate was not renewed in time.
   */
  public synchronized Path expiredServerCertificate() {
    Path expired = dir.resolve("expired-server.pem");
    if (!Files.exists(expired)) {
      keytool(
          "-gencert",
          "-alias",
          "ca",
          "-keystore",
          file("ca.p12"),
          "-infile",
          file("server.csr"),
          "-outfile",
          expired.toString(),
          "-rfc",
          "-startdate",
          "-10d",
          "-validity",
          "1",
          "-ext",
          "EKU=serverAuth,clientAuth");
    }
    return expired;
  }

  private void makeCa(String keystore, String name) {
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name,
        "-validity",
        DAYS,
        "-ext",
        "BC:c=ca:true",
        "-ext",
        "KU=keyCertSign,cRLSign",
        "-keystore",
        file(keystore));
  }

  private static String subjectAltNames(List<String> names) {
    return names.stream()
        .map(n -> n.matches("[0-9.]+") ? "ip:" + n : "dns:" + n)
        .collect(Collectors.joining(","));
  }

  private String file(String name) {
    return dir.resolve(name).toString();
  }

  private void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(Arrays.asList(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", password, "-keypass", password));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
