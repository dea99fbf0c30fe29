package io.flowexporter.app;

/** A file named by a flag could not be used at start-up: the process exits with status 2. */
public final class BadFileException extends Exception {

  private static final long serialVersionUID = 1L;
  private final String flag;

  public BadFileException(String flag, String message, Throwable cause) {
    super(message, cause);
    this.flag = flag;
  }

  /** The flag that named the file, e.g. {@code --asn-db}. */
  public String flag() {
    return flag;
  }
}
