package io.flowexporter.app.http;

import io.flowexporter.app.StartupFlagException;
import io.flowexporter.app.config.HttpConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that the HTTP server will be able to listen, before the HTTP server starts.
 *
 * <p>Why: the stream joins the consumer group while the HTTP server starts (about a second of class
 * loading, the longest part of a start after the rebalance), instead of after it. A second instance
 * started by mistake on a busy port must still fail before it joins: joining would make the whole
 * group rebalance, twice. A port taken between this check and the server's own bind (a race of a
 * few hundred milliseconds) still fails the start, after one join and leave.
 */
public final class ListenAddress {

  private ListenAddress() {}

  /**
   * Binds {@code http}'s address and lets it go again; nothing to check for port 0 (a free one).
   *
   * @throws StartupFlagException naming {@code --addr} when the address cannot be bound
   */
  public static void requireFree(HttpConfig http) throws StartupFlagException {
    if (http.port() == 0) {
      return;
    }
    InetSocketAddress address =
        http.host().isEmpty()
            ? new InetSocketAddress(http.port())
            : new InetSocketAddress(http.host(), http.port());
    String shown =
        (http.host().contains(":") ? "[" + http.host() + "]" : http.host()) + ":" + http.port();
    if (address.isUnresolved()) {
      throw new StartupFlagException(
          "--addr", "cannot listen on " + shown + ": unknown host", null);
    }
    try (ServerSocket socket = new ServerSocket()) {
      // As the HTTP server binds: a port in TIME_WAIT after a restart is free.
      socket.setReuseAddress(true);
      socket.bind(address);
    } catch (IOException e) {
      boolean inUse =
          e instanceof BindException && String.valueOf(e.getMessage()).contains("in use");
      throw new StartupFlagException(
          "--addr",
          "cannot listen on "
              + shown
              + " ("
              + e.getMessage()
              + ")"
              + (inUse ? ": is another flow-exporter running there?" : ""),
          e);
    }
  }
}
