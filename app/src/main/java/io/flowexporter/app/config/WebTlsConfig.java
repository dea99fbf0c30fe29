package io.flowexporter.app.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTPS for every endpoint ({@code --web-tls-cert}, {@code --web-tls-key}): both or neither.
 *
 * @param cert the PEM certificate chain, server certificate first
 * @param key its PEM PKCS#8 private key
 */
public record WebTlsConfig(Optional<Path> cert, Optional<Path> key) {

  /** Plain HTTP. */
  public static final WebTlsConfig NONE = new WebTlsConfig(Optional.empty(), Optional.empty());

  public WebTlsConfig {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException(
          "a TLS certificate needs its key, and a key its certificate");
    }
  }

  public boolean enabled() {
    return cert.isPresent();
  }
}
