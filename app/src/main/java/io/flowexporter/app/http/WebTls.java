package io.flowexporter.app.http;

import io.flowexporter.app.StartupFlagException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS side of the web server ({@code --web-tls-cert}, {@code --web-tls-key}): a PEM
 * certificate chain (the server's certificate first, then any intermediates) and its unencrypted
 * PEM private key ({@link PemPrivateKey}: PKCS#8, PKCS#1 or SEC1; RSA, EC or Ed25519). {@link
 * #reloadIfChanged} replaces both when either file's content changes, for the connections opened
 * after it: a renewed certificate needs no restart, even one copied with its old modification time
 * kept ({@code cp -p}, {@code rsync -t}). A pair that cannot be read keeps the previous one, with a
 * warning. The key is held in memory only.
 */
public final class WebTls {

  private static final Logger LOG = LoggerFactory.getLogger(WebTls.class);

  /** The in-memory key store's password: it never leaves this process. */
  private static final char[] PASSWORD = "in-memory".toCharArray();

  private final Path cert;
  private final Path key;
  private final SslContextFactory.Server factory = new SslContextFactory.Server();

  /** A digest of both files' bytes as last loaded. */
  private byte[] loaded;

  private WebTls(Path cert, Path key) {
    this.cert = cert;
    this.key = key;
  }

  /**
   * Reads the pair.
   *
   * @throws StartupFlagException naming {@code --web-tls-cert} or {@code --web-tls-key}
   */
  public static WebTls load(Path cert, Path key) throws StartupFlagException {
    WebTls tls = new WebTls(cert, key);
    byte[] certBytes;
    byte[] keyBytes;
    try {
      certBytes = Files.readAllBytes(cert);
    } catch (IOException e) {
      throw new StartupFlagException("--web-tls-cert", e.getMessage(), e);
    }
    try {
      keyBytes = Files.readAllBytes(key);
    } catch (IOException e) {
      throw new StartupFlagException("--web-tls-key", e.getMessage(), e);
    }
    tls.loaded = digest(certBytes, keyBytes);
    tls.factory.setKeyStore(keyStore(cert, certBytes, key, keyBytes));
    tls.factory.setKeyStorePassword(new String(PASSWORD));
    return tls;
  }

  /** Jetty's TLS settings, for the server's connector. */
  public SslContextFactory.Server factory() {
    return factory;
  }

  /**
   * Loads the files again if either's content changed since; called every few seconds. Compared by
   * content, not by modification time: the files are a few kilobytes.
   */
  public synchronized void reloadIfChanged() {
    try {
      byte[] certBytes = Files.readAllBytes(cert);
      byte[] keyBytes = Files.readAllBytes(key);
      byte[] now = digest(certBytes, keyBytes);
      if (Arrays.equals(now, loaded)) {
        // The pair in use is back (a bad replacement undone): a later problem is news again.
        lastProblem = null;
        return;
      }
      // Built from the bytes just compared, not read a second time.
      KeyStore ks = keyStore(cert, certBytes, key, keyBytes);
      factory.reload(f -> f.setKeyStore(ks));
      loaded = now;
      LOG.info("Reloaded the TLS certificate {} and key {}", cert, key);
    } catch (Exception e) {
      // Read again at every check until good; said once, not at every check, while the same
      // problem lasts.
      String problem = String.valueOf(e.getMessage());
      if (!problem.equals(lastProblem)) {
        LOG.warn("Keeping the TLS certificate in use: {}", problem);
        lastProblem = problem;
      }
      return;
    }
    lastProblem = null;
  }

  /** SHA-256 of the certificate's bytes, then the key's, each after its length. */
  private static byte[] digest(byte[] cert, byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] b : List.of(cert, key)) {
        sha.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(b);
      }
      return sha.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The last problem warned about; null after a good load. */
  private String lastProblem;

  /** The pair read from {@code cert} and {@code key}; the paths name them in errors. */
  private static KeyStore keyStore(Path cert, byte[] certBytes, Path key, byte[] keyBytes)
      throws StartupFlagException {
    Collection<? extends Certificate> chain;
    try (InputStream in = new ByteArrayInputStream(certBytes)) {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new StartupFlagException(
          "--web-tls-cert", cert + ": not a PEM certificate: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new StartupFlagException("--web-tls-cert", cert + ": no certificate in the file", null);
    }
    PrivateKey privateKey = privateKey(key, keyBytes);
    if (!belongTogether(privateKey, chain.iterator().next().getPublicKey())) {
      // Else every handshake would fail later, with nothing in the log.
      throw new StartupFlagException(
          "--web-tls-key",
          key + ": is not the private key of the first certificate in " + cert,
          null);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("web", privateKey, PASSWORD, chain.toArray(Certificate[]::new));
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new StartupFlagException(
          "--web-tls-key", key + ": does not go with the certificate: " + e.getMessage(), e);
    }
  }

  /** Whether a signature made with the private key verifies with the certificate's public key. */
  private static boolean belongTogether(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm =
        switch (privateKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> privateKey.getAlgorithm();
          default -> null;
        };
    if (algorithm == null) {
      return true; // a kind of key this check does not know: the handshake will tell
    }
    try {
      byte[] probe = "flow-exporter key check".getBytes(StandardCharsets.US_ASCII);
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(privateKey);
      signature.update(probe);
      byte[] signed = signature.sign();
      signature.initVerify(publicKey);
      signature.update(probe);
      return signature.verify(signed);
    } catch (GeneralSecurityException e) {
      return false; // a key of one kind and a certificate of another
    }
  }

  private static PrivateKey privateKey(Path key, byte[] keyBytes) throws StartupFlagException {
    String pem;
    try {
      // Strict, as Files.readString is: a byte outside ASCII is refused, not replaced.
      pem = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(keyBytes)).toString();
    } catch (IOException e) {
      throw new StartupFlagException("--web-tls-key", key + ": " + e.getMessage(), e);
    }
    try {
      return PemPrivateKey.parse(pem);
    } catch (PemPrivateKey.BadKeyException e) {
      throw new StartupFlagException("--web-tls-key", key + ": " + e.getMessage(), e);
    }
  }
}
