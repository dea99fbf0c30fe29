package io.flowexporter.topology.filter;

/** A query that is not a flow filter; names the parameter at fault. */
public final class FlowFilterException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String parameter;

  FlowFilterException(String parameter, String problem) {
    super(parameter + ": " + problem);
    this.parameter = parameter;
  }

  /** The query parameter at fault, as the query spelled it. */
  public String parameter() {
    return parameter;
  }
}
