package io.flowexporter.app.flows;

/**
 * A flow API request that is refused before anything starts; names the query parameter at fault.
 */
public final class FlowQueryException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String parameter;

  FlowQueryException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  /** The parameter at fault, as the query spelled it. */
  public String parameter() {
    return parameter;
  }
}
