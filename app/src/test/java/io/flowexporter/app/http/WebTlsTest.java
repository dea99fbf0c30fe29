package io.flowexporter.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flowexporter.app.StartupFlagException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * HTTPS with a test CA that the test makes with openssl ({@link TestCa}): served, verified,
 * reloaded, refused in clear.
 */
class WebTlsTest {

  @TempDir Path dir;

  private TestCa ca;
  private Path cert;
  private Path key;

  /** A test CA, and a certificate of CN=first with its key (PKCS#8, RSA) that it signed. */
  @BeforeEach
  void issueFirst() throws Exception {
    ca = TestCa.create(dir);
    cert = dir.resolve("server.crt");
    key = dir.resolve("server.key");
    ca.issue("first", cert, key);
  }

  @Test
  void everyEndpointOverHttpsWithTheCertificateReloadedWhenReplaced() throws Exception {
    WebTls tls = WebTls.load(cert, key);
    try (MetricsServer server = RoutesServer.start(app -> {}, tls)) {
      HttpClient trusting = HttpClient.newBuilder().sslContext(ca.trustingOnlyThis()).build();
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

      ca.issue("second", cert, key);
      Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
      tls.reloadIfChanged();
      HttpResponse<String> renewed = readyzOnANewConnection(ca, server);
      assertThat(renewed.statusCode()).isEqualTo(200);
      assertThat(subject(renewed)).contains("CN=second");
    }
  }

  @Test
  void aRenewalCopiedWithItsOldModificationTimeIsLoadedToo() throws Exception {
    FileTime certTime = Files.getLastModifiedTime(cert);
    FileTime keyTime = Files.getLastModifiedTime(key);
    WebTls tls = WebTls.load(cert, key);
    try (MetricsServer server = RoutesServer.start(app -> {}, tls)) {
      // cp -p, rsync -t: new files, the old times.
      ca.issue("second", cert, key);
      Files.setLastModifiedTime(cert, certTime);
      Files.setLastModifiedTime(key, keyTime);
      tls.reloadIfChanged();
      assertThat(subject(readyzOnANewConnection(ca, server))).contains("CN=second");
    }
  }

  @Test
  void theSameBadReplacementAgainAfterTheGoodPairCameBackIsSaidAgain() throws Exception {
    byte[] good = Files.readAllBytes(cert);
    WebTls tls = WebTls.load(cert, key);
    ListAppender<ILoggingEvent> lines = watchLog();
    try {
      Files.writeString(cert, "not a certificate");
      tls.reloadIfChanged();
      Files.write(cert, good); // undone: the pair in use, unchanged
      tls.reloadIfChanged();
      Files.writeString(cert, "not a certificate");
      tls.reloadIfChanged();
      assertThat(lines.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .hasSize(2)
          .allMatch(m -> m.startsWith("Keeping the TLS certificate in use"));
    } finally {
      LOGGER.detachAppender(lines);
    }
  }

  @Test
  void aBadReplacementIsSaidOnceWhileItLastsThenTheGoodOneLoads() throws Exception {
    WebTls tls = WebTls.load(cert, key);
    ListAppender<ILoggingEvent> lines = watchLog();
    try {
      // A renewed certificate with the old key: refused, and said once however often checked.
      Path otherKey = dir.resolve("other.key");
      ca.issue("second", cert, otherKey);
      Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
      for (int i = 0; i < 5; i++) {
        tls.reloadIfChanged();
      }
      assertThat(lines.list)
          .extracting(ILoggingEvent::getFormattedMessage)
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
          .extracting(ILoggingEvent::getFormattedMessage)
          .hasSize(3)
          .last()
          .asString()
          .startsWith("Reloaded the TLS certificate");
    } finally {
      LOGGER.detachAppender(lines);
    }
  }

  @Test
  void keysInPkcs1AndSec1AreReadAsWellAsPkcs8() throws Exception {
    // The same RSA key as PKCS#1 (BEGIN RSA PRIVATE KEY), as cert-manager writes it by default.
    Path pkcs1 = dir.resolve("pkcs1.key");
    TestCa.openssl(dir, "rsa", "-in", key.toString(), "-traditional", "-out", pkcs1.toString());
    assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(WebTls.load(cert, pkcs1)).isNotNull();
    // The CA's EC key as SEC1 (BEGIN EC PRIVATE KEY), its curve named, after EC PARAMETERS as
    // openssl ecparam -genkey writes them.
    Path sec1 = dir.resolve("sec1.key");
    TestCa.openssl(dir, "ec", "-in", ca.key().toString(), "-out", sec1.toString());
    Path params = dir.resolve("params.pem");
    TestCa.openssl(dir, "ecparam", "-name", "prime256v1", "-out", params.toString());
    Path sec1WithParams = dir.resolve("sec1-params.key");
    Files.writeString(sec1WithParams, Files.readString(params) + Files.readString(sec1));
    for (Path k : List.of(sec1, sec1WithParams)) {
      assertThat(Files.readString(k)).contains("-----BEGIN EC PRIVATE KEY-----");
      assertThat(WebTls.load(ca.cert(), k)).as(k.toString()).isNotNull();
    }
    // The RSA key in PKCS#1 is not the CA's certificate's key: refused as any other wrong key.
    assertRefused(ca.cert(), pkcs1, "--web-tls-key");
  }

  @Test
  void anEncryptedOrUnknownKeyOrACertificateThatIsNotPemIsABadFile() throws Exception {
    Path encrypted = dir.resolve("encrypted.key");
    TestCa.openssl(
        dir,
        "pkey",
        "-in",
        key.toString(),
        "-aes256",
        "-passout",
        "pass:secret-pass",
        "-out",
        encrypted.toString());
    assertRefused(cert, encrypted, "--web-tls-key").hasMessageContaining("encrypted");
    Path notAKey = dir.resolve("not-a-key.pem");
    Files.writeString(
        notAKey, "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n");
    assertRefused(cert, notAKey, "--web-tls-key").hasMessageContaining("not a PEM private key");
    Path damaged = dir.resolve("damaged.key");
    Files.writeString(
        damaged, "-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n");
    assertRefused(cert, damaged, "--web-tls-key");
    assertRefused(key, key, "--web-tls-cert");
    // A missing file is named by its own flag.
    Path missing = dir.resolve("missing.pem");
    assertRefused(cert, missing, "--web-tls-key");
    assertRefused(missing, key, "--web-tls-cert");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedNamingTheKey() throws Exception {
    Path certA = dir.resolve("a.crt");
    Path keyA = dir.resolve("a.key");
    Path certB = dir.resolve("b.crt");
    Path keyB = dir.resolve("b.key");
    ca.issue("a", certA, keyA);
    ca.issue("b", certB, keyB);
    for (Path wrong : List.of(keyB, ca.key())) { // another RSA key, an EC key
      assertThatThrownBy(() -> WebTls.load(certA, wrong))
          .as(wrong.toString())
          .isInstanceOfSatisfying(
              StartupFlagException.class, e -> assertThat(e.flag()).isEqualTo("--web-tls-key"))
          .hasMessageContaining("is not the private key of the first certificate");
    }
    WebTls.load(certA, keyA); // the right pair loads
  }

  private static final Logger LOGGER = (Logger) LoggerFactory.getLogger(WebTls.class);

  /** WebTls' log lines from now on; detach it from {@link #LOGGER} when done. */
  private static ListAppender<ILoggingEvent> watchLog() {
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    LOGGER.addAppender(lines);
    return lines;
  }

  /** {@code /readyz} on a new connection from a client that trusts only {@code ca}. */
  private static HttpResponse<String> readyzOnANewConnection(TestCa ca, MetricsServer server)
      throws Exception {
    return HttpClient.newBuilder()
        .sslContext(ca.trustingOnlyThis())
        .build()
        .send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/readyz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String subject(HttpResponse<?> r) throws Exception {
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSubjectX500Principal()
        .getName();
  }

  /** Loading the pair fails with a bad-flag error naming {@code flag}. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      Path cert, Path key, String flag) {
    return assertThatThrownBy(() -> WebTls.load(cert, key))
        .isInstanceOfSatisfying(
            StartupFlagException.class, e -> assertThat(e.flag()).isEqualTo(flag));
  }
}
