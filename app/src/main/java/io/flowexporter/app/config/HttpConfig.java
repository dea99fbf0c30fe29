package io.flowexporter.app.config;

/**
 * Where the metrics server listens.
 *
 * @param host the address to bind; empty for every interface (as {@code :9590} says)
 * @param port the TCP port; 0 picks a free one
 */
public record HttpConfig(String host, int port) {

  public HttpConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Parses {@code host:port}, {@code :port} or {@code [v6]:port}, as the Go flow-exporter's {@code
   * --addr} did.
   */
  public static HttpConfig parse(String addr) {
    int colon = addr.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected host:port or :port, got '" + addr + "'");
    }
    String host = addr.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(addr.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number in '" + addr + "'");
    }
    return new HttpConfig(host, port);
  }
}
