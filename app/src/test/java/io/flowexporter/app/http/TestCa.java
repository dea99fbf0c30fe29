package io.flowexporter.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test certificate authority made with openssl in a directory of the test's: an EC CA ({@code
 * ca.crt}, {@code ca.key}) valid for two days, and server certificates for localhost and 127.0.0.1
 * that it signs, in the PEM files {@code --web-tls-cert} and {@code --web-tls-key} take.
 */
public final class TestCa {

  private final Path dir;

  private TestCa(Path dir) {
    this.dir = dir;
  }

  /** Makes the CA's key and self-signed certificate in {@code dir}. */
  public static TestCa create(Path dir) throws Exception {
    TestCa ca = new TestCa(dir);
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=flow-exporter test CA",
        "-keyout",
        ca.key().toString(),
        "-out",
        ca.cert().toString());
    return ca;
  }

  /** The CA's certificate (PEM). */
  public Path cert() {
    return dir.resolve("ca.crt");
  }

  /** The CA's private key (PEM, EC). */
  public Path key() {
    return dir.resolve("ca.key");
  }

  /**
   * A new RSA key and a certificate for it, for localhost and 127.0.0.1, with subject {@code
   * CN=<cn>} and a random serial, signed by this CA; the key in PKCS#8.
   */
  public void issue(String cn, Path cert, Path key) throws Exception {
    Path csr = dir.resolve(cn + ".csr");
    Path ext = dir.resolve("ext.cnf");
    Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=" + cn,
        "-keyout",
        key.toString(),
        "-out",
        csr.toString());
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        cert().toString(),
        "-CAkey",
        key().toString(),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        ext.toString(),
        "-out",
        cert.toString());
  }

  /** A client TLS context that trusts this CA and nothing else; no session shared with another. */
  public SSLContext trustingOnlyThis() throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    try (InputStream in = Files.newInputStream(cert())) {
      ts.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Runs {@code openssl args...} in {@code dir}; fails the test with its output if it fails. */
  public static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
  }
}
