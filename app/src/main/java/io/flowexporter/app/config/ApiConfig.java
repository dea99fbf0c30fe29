package io.flowexporter.app.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The flow API ({@code /api/v1/flows/...}).
 *
 * @param tokenFile the bearer tokens ({@code --api-token-file}); empty: the API is off
 * @param maxScans scans at a time on this instance ({@code --api-max-scans}), 1..{@link
 *     #MOST_SCANS}
 */
public record ApiConfig(Optional<Path> tokenFile, int maxScans) {

  /** The most scans at a time: each holds a consumer whose fetches may take 8 MiB of heap. */
  public static final int MOST_SCANS = 32;

  /** The API off. */
  public static final ApiConfig NONE = new ApiConfig(Optional.empty(), 4);

  public ApiConfig {
    Objects.requireNonNull(tokenFile, "tokenFile");
    if (maxScans < 1 || maxScans > MOST_SCANS) {
      throw new IllegalArgumentException(
          "must be 1.."
              + MOST_SCANS
              + " (each scan may hold 8 MiB of fetched records), got "
              + maxScans);
    }
  }

  /** Whether the API is served. */
  public boolean enabled() {
    return tokenFile.isPresent();
  }
}
