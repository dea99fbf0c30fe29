package io.flowexporter.app.config;

/**
 * A flag's value that cannot be used, found while the flags are checked: the command line turns it
 * into exit status 2 with this message, naming the flag.
 */
public final class BadFlagException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final String flag;

  public BadFlagException(String flag, String message) {
    super(message);
    this.flag = flag;
  }

  /** The flag, e.g. {@code --brokers}, or {@code --kafka-property/--kafka-config}. */
  public String flag() {
    return flag;
  }
}
