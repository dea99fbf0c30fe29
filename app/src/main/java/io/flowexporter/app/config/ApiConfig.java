package io.flowexporter.app.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The flow API ({@code /api/v1/flows/...}).
 *
 * @param tokenFile the bearer tokens ({@code --api-token-file}); empty: the API is off
 * @param maxScans scans at a time on this instance ({@code --api-max-scans}), at least 1
 */
public record ApiConfig(Optional<Path> tokenFile, int maxScans) {

  /** The API off. */
  public static final ApiConfig NONE = new ApiConfig(Optional.empty(), 4);

  public ApiConfig {
    Objects.requireNonNull(tokenFile, "tokenFile");
    if (maxScans < 1) {
      throw new IllegalArgumentException("at least one scan at a time, got " + maxScans);
    }
  }

  /** Whether the API is served. */
  public boolean enabled() {
    return tokenFile.isPresent();
  }
}
