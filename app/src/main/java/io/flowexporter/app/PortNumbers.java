package io.flowexporter.app;

import io.flowexporter.topology.series.PortFamily;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a TCP/UDP port of {@code --port}, refusing anything outside 1..65535. */
final class PortNumbers implements ITypeConverter<Integer> {

  @Override
  public Integer convert(String value) {
    int port;
    try {
      port = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a port number");
    }
    if (port < PortFamily.MIN_PORT || port > PortFamily.MAX_PORT) {
      throw new TypeConversionException("port " + value + " is outside 1..65535");
    }
    return port;
  }
}
