package io.flowexporter.app;

/**
 * What a flag names could not be used at start-up (a file, the listen address): the process exits
 * with status 2, naming the flag.
 */
public final class StartupFlagException extends Exception {

  private static final long serialVersionUID = 1L;
  private final String flag;

  public StartupFlagException(String flag, String message, Throwable cause) {
    super(message, cause);
    this.flag = flag;
  }

  /** The flag, e.g. {@code --asn-db}. */
  public String flag() {
    return flag;
  }
}
