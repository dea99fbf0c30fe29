package io.flowexporter.asndb;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An AS database, country database or name-override file could not be used: it is missing,
 * unreadable, truncated, not a MaxMind DB file, or holds records of a shape this module does not
 * know or of the other kind (an AS database given as a country database). The message always names
 * the file and says what is wrong, so it can be shown to an operator as is.
 */
public final class AsnDatabaseException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the file that could not be used
   * @param problem what is wrong with it, for a person (e.g. "not a MaxMind DB file")
   * @param cause the underlying failure, or null
   */
  public AsnDatabaseException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /**
   * @see #AsnDatabaseException(Path, String, Throwable)
   */
  public AsnDatabaseException(Path file, String problem) {
    this(file, problem, null);
  }

  /** The file that could not be used. */
  public Path file() {
    return file;
  }
}
