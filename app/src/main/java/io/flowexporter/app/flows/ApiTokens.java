package io.flowexporter.app.flows;

import io.flowexporter.app.StartupFlagException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens of the flow API ({@code --api-token-file}): one per line, {@code name:token} or
 * a bare token (named {@code line N}), at least {@value #MIN_LENGTH} characters; blank lines and
 * lines starting with {@code #} are skipped.
 *
 * <p>The file is read again when its modification time or size changes, checked at most once a
 * second on a request; a file that became unreadable or invalid keeps the previous tokens (and says
 * so in the log). Tokens are kept as SHA-256 digests and every presented token is compared with
 * each of them in constant time, so neither timing nor a heap dump gives a token away. No token is
 * ever logged: only names and line numbers. Thread-safe.
 */
public final class ApiTokens {

  public static final int MIN_LENGTH = 16;

  private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
  private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

  private record Token(String name, byte[] digest) {}

  private record Loaded(List<Token> tokens, FileTime modified, long size) {}

  private final Path file;
  private volatile Loaded loaded;
  private volatile long lastCheck = System.nanoTime();

  private ApiTokens(Path file, Loaded loaded) {
    this.file = file;
    this.loaded = loaded;
  }

  /**
   * Reads the token file.
   *
   * @throws StartupFlagException for {@code --api-token-file} when it cannot be read, holds a short
   *     token or holds none
   */
  public static ApiTokens load(Path file) throws StartupFlagException {
    try {
      return new ApiTokens(file, read(file));
    } catch (IOException | IllegalArgumentException e) {
      throw new StartupFlagException("--api-token-file", file + ": " + e.getMessage(), e);
    }
  }

  /** How many tokens are in force. */
  public int size() {
    return current().tokens().size();
  }

  /** The name of the token presented, if it is one of ours. */
  public Optional<String> nameOf(String presented) {
    byte[] digest = sha256(presented);
    String found = null;
    // Every token is compared, whatever matched: the time does not depend on which one did.
    for (Token t : current().tokens()) {
      if (MessageDigest.isEqual(t.digest(), digest)) {
        found = t.name();
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * Whether no token is valid now: the file is missing, empty or has a bad line. Every request is
   * then refused, whatever token it shows.
   */
  public boolean refusesAll() {
    return current().tokens().isEmpty();
  }

  private Loaded current() {
    long now = System.nanoTime();
    if (now - lastCheck >= CHECK_INTERVAL_NANOS) {
      lastCheck = now;
      reloadIfChanged();
    }
    return loaded;
  }

  private synchronized void reloadIfChanged() {
    Loaded old = loaded;
    try {
      if (Files.getLastModifiedTime(file).equals(old.modified())
          && Files.size(file) == old.size()) {
        return;
      }
      loaded = read(file);
      LOG.info("Reloaded {} API token(s) from {}", loaded.tokens().size(), file);
    } catch (IOException | IllegalArgumentException e) {
      // Fail closed: emptying or deleting the file is how a leaked token is revoked, and a file
      // with a bad line may be one from which a token was being removed.
      if (!old.tokens().isEmpty()) {
        LOG.warn(
            "Refusing every flow API request until {} holds valid tokens again: {}",
            file,
            e.getMessage());
      }
      // No time and size kept: the file may have been completed since the failed read (a token
      // written with echo > file read while still empty), and a stamp taken now would match it and
      // keep it unread. A bad file is read again at every check until it is good.
      loaded = new Loaded(List.of(), null, -1);
    }
  }

  private static Loaded read(Path file) throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    long size = Files.size(file);
    List<Token> tokens = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      String name = colon > 0 ? line.substring(0, colon).trim() : "line " + (i + 1);
      String token = colon > 0 ? line.substring(colon + 1).trim() : line;
      if (token.length() < MIN_LENGTH || token.chars().anyMatch(Character::isWhitespace)) {
        // The message names the line, never what is on it.
        throw new IllegalArgumentException(
            "line "
                + (i + 1)
                + ": a token must be at least "
                + MIN_LENGTH
                + " characters without spaces");
      }
      tokens.add(new Token(name, sha256(token)));
    }
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("no token in the file");
    }
    return new Loaded(List.copyOf(tokens), modified, size);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
