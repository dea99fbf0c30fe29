package io.flowexporter.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.app.StartupFlagException;
import io.flowexporter.app.config.HttpConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a test CA that the test makes with openssl: served, verified, reloaded, refused in
 * clear.
 */
class WebTlsTest {

  @TempDir Path dir;

  @Test
  void everyEndpointOverHttpsWithTheCertificateReloadedWhenReplaced() throws Exception {
    Path ca = makeCa();
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    makeServerCert(ca, "first", cert, key);
    WebTls tls = WebTls.load(cert, key);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MetricsServer server =
        MetricsServer.start(
            new HttpConfig("127.0.0.1", 0),
            (out, om) -> {},
            registry,
            () -> true,
            () -> "RUNNING",
            app -> {},
            tls)) {
      HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(ca)).build();
      HttpResponse<String> ok =
          trusting.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/healthz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(subject(ok)).contains("CN=first");

      // In clear, nothing is served.
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(
                                  URI.create("http://localhost:" + server.port() + "/healthz"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
      // A client that does not trust the CA refuses the server.
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(
                                  URI.create("https://localhost:" + server.port() + "/healthz"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);

      makeServerCert(ca, "second", cert, key);
      Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
      tls.reloadIfChanged();
      HttpClient fresh = HttpClient.newBuilder().sslContext(trusting(ca)).build();
      HttpResponse<String> renewed =
          fresh.send(
              HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/readyz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(renewed.statusCode()).isEqualTo(200);
      assertThat(subject(renewed)).contains("CN=second");
    }
  }

  @Test
  void aBadReplacementIsSaidOnceWhileItLastsThenTheGoodOneLoads() throws Exception {
    Path ca = makeCa();
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    makeServerCert(ca, "first", cert, key);
    WebTls tls = WebTls.load(cert, key);
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(WebTls.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      // A renewed certificate with the old key: refused, and said once however often checked.
      Path otherKey = dir.resolve("other.key");
      makeServerCert(ca, "second", cert, otherKey);
      Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
      for (int i = 0; i < 5; i++) {
        tls.reloadIfChanged();
      }
      assertThat(lines.list)
          .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .hasSize(1)
          .allMatch(m -> m.startsWith("Keeping the TLS certificate in use"));
      // The key deleted (a renewal half done): said once too.
      Path keyAside = dir.resolve("aside.key");
      Files.move(key, keyAside);
      for (int i = 0; i < 3; i++) {
        tls.reloadIfChanged();
      }
      assertThat(lines.list).hasSize(2);
      Files.move(keyAside, key);
      // Its key put in place: loaded.
      Files.copy(otherKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(key, FileTime.from(Instant.now().plusSeconds(10)));
      tls.reloadIfChanged();
      assertThat(lines.list)
          .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .hasSize(3)
          .last()
          .asString()
          .startsWith("Reloaded the TLS certificate");
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void aKeyThatIsNotPkcs8OrACertificateThatIsNotPemIsABadFile() throws Exception {
    Path ca = makeCa();
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    makeServerCert(ca, "x", cert, key);
    Path rsa = dir.resolve("rsa.key");
    openssl("genrsa", "-traditional", "-out", rsa.toString(), "2048");
    assertThatThrownBy(() -> WebTls.load(cert, rsa))
        .isInstanceOfSatisfying(
            StartupFlagException.class, e -> assertThat(e.flag()).isEqualTo("--web-tls-key"))
        .hasMessageContaining("openssl pkcs8 -topk8");
    assertThatThrownBy(() -> WebTls.load(key, key))
        .isInstanceOfSatisfying(
            StartupFlagException.class, e -> assertThat(e.flag()).isEqualTo("--web-tls-cert"));
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedNamingTheKey() throws Exception {
    Path ca = makeCa();
    Path certA = dir.resolve("a.crt");
    Path keyA = dir.resolve("a.key");
    Path certB = dir.resolve("b.crt");
    Path keyB = dir.resolve("b.key");
    makeServerCert(ca, "a", certA, keyA);
    makeServerCert(ca, "b", certB, keyB);
    for (Path wrong : List.of(keyB, dir.resolve("ca.key"))) { // another RSA key, an EC key
      assertThatThrownBy(() -> WebTls.load(certA, wrong))
          .as(wrong.toString())
          .isInstanceOfSatisfying(
              StartupFlagException.class, e -> assertThat(e.flag()).isEqualTo("--web-tls-key"))
          .hasMessageContaining("is not the private key of the first certificate");
    }
    WebTls.load(certA, keyA); // the right pair loads
  }

  private static String subject(HttpResponse<?> r) throws Exception {
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSubjectX500Principal()
        .getName();
  }

  private SSLContext trusting(Path caCert) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    try (InputStream in = Files.newInputStream(caCert)) {
      ts.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private Path makeCa() throws Exception {
    Path key = dir.resolve("ca.key");
    Path cert = dir.resolve("ca.crt");
    openssl(
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
        key.toString(),
        "-out",
        cert.toString());
    return cert;
  }

  /** A certificate for localhost and 127.0.0.1, signed by the CA, with a PKCS#8 key. */
  private void makeServerCert(Path caCert, String cn, Path cert, Path key) throws Exception {
    Path csr = dir.resolve(cn + ".csr");
    Path ext = dir.resolve("ext.cnf");
    Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    openssl(
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
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        caCert.toString(),
        "-CAkey",
        dir.resolve("ca.key").toString(),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        ext.toString(),
        "-out",
        cert.toString());
  }

  private void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
  }
}
