package io.flowexporter.app.flows;

import io.flowexporter.app.StartupFlagException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens of the flow API ({@code --api-token-file}): one per line, {@code name:token} or
 * a bare token (named {@code line N}), at least {@value #MIN_LENGTH} characters; blank lines and
 * lines starting with {@code #} are skipped.
 *
 * <p>The file is read at most once a second, on a request, and its tokens replaced when its content
 * changed. Not its modification time and size: a replacement of the same length copied with its
 * time kept ({@code cp -p}, {@code rsync -t}) changes neither, and a revoked token would stay
 * valid. A file that became unreadable or invalid refuses every token (and says so in the log).
 * Tokens are kept as SHA-256 digests and every presented token is compared with each of them in
 * constant time, so neither timing nor a heap dump gives a token away. No token is ever logged:
 * only names and line numbers. Thread-safe.
 */
public final class ApiTokens {

  public static final int MIN_LENGTH = 16;

  private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
  private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

  private record Token(String name, byte[] digest) {}

  /**
   * @param content the SHA-256 digest of the file's bytes, null for a file that could not be used
   */
  private record Loaded(List<Token> tokens, byte[] content) {}

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

  /**
   * What a presented token is worth: accepted under its {@code name}, or refused, either because it
   * is not one of the tokens ({@code name} null) or because no token is valid now ({@code
   * noneValid}: the file is missing, empty or has a bad line, and every request is refused whatever
   * token it shows).
   */
  public record Verdict(String name, boolean noneValid) {
    public boolean accepted() {
      return name != null;
    }
  }

  /**
   * Checks a presented token against one reading of the file, so that a reload between two
   * questions cannot call a token unknown when no token was valid at all, or the reverse.
   */
  public Verdict check(String presented) {
    List<Token> tokens = current().tokens();
    if (tokens.isEmpty()) {
      return new Verdict(null, true);
    }
    byte[] digest = sha256(presented);
    String found = null;
    // Every token is compared, whatever matched: the time does not depend on which one did.
    for (Token t : tokens) {
      if (MessageDigest.isEqual(t.digest(), digest)) {
        found = t.name();
      }
    }
    return new Verdict(found, false);
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
      // A token file is a few lines: reading it whole once a second costs nothing.
      byte[] bytes = Files.readAllBytes(file);
      byte[] content = sha256(bytes);
      if (old.content() != null && MessageDigest.isEqual(content, old.content())) {
        return;
      }
      loaded = parse(bytes, content);
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
      // No content kept: a bad file is parsed again at every check until it is good.
      loaded = new Loaded(List.of(), null);
    }
  }

  private static Loaded read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return parse(bytes, sha256(bytes));
  }

  private static Loaded parse(byte[] bytes, byte[] content) throws CharacterCodingException {
    List<Token> tokens = new ArrayList<>();
    // Strictly UTF-8, as Files.readAllLines read it: a file in another encoding is a bad file.
    List<String> lines =
        StandardCharsets.UTF_8
            .newDecoder()
            .decode(ByteBuffer.wrap(bytes))
            .toString()
            .lines()
            .toList();
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
    return new Loaded(List.copyOf(tokens), content);
  }

  private static byte[] sha256(String s) {
    return sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
