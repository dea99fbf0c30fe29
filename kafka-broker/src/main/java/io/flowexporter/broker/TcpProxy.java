package io.flowexporter.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP forwarder that a test can break in two ways, as a network path between a Kafka
 * client and its broker breaks: {@link #cut()} closes every connection through it and refuses new
 * ones (the client learns at once), {@link #stall()} keeps the connections open and accepts new
 * ones but carries nothing any more (packets dropped: the client learns only from its timeouts).
 * {@link #restore()} forwards again on the same port; connections open while it stalled are closed,
 * as what they dropped left them unusable.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final int target;
  private final List<Socket> sockets = new ArrayList<>();
  private ServerSocket server;
  private volatile boolean stalled;

  private TcpProxy(int port, int target) {
    this.port = port;
    this.target = target;
  }

  /** A proxy on loopback {@code port} that forwards to {@code 127.0.0.1:target}; not yet open. */
  public static TcpProxy between(int port, int target) {
    return new TcpProxy(port, target);
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** Forwards the port to the target from now on. */
  public synchronized void restore() {
    if (stalled) {
      sockets.forEach(TcpProxy::closeQuietly);
      sockets.clear();
      stalled = false;
    }
    if (server != null) {
      return;
    }
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      server = s;
      Thread accept = new Thread(() -> accept(s), "tcp-proxy-" + port);
      accept.setDaemon(true);
      accept.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes every connection through the proxy and stops listening: connections are refused. */
  public synchronized void cut() {
    if (server != null) {
      closeQuietly(server);
      server = null;
    }
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  /** Carries nothing from now on, keeping every connection open and accepting new ones. */
  public synchronized void stall() {
    stalled = true;
  }

  @Override
  public void close() {
    cut();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        if (stalled) {
          synchronized (this) {
            sockets.add(client);
          }
          pump(client, null); // read and dropped
          continue;
        }
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        } catch (IOException e) {
          closeQuietly(client); // the target refused: so does the proxy
          continue;
        }
        synchronized (this) {
          if (server != s) {
            closeQuietly(client);
            closeQuietly(upstream);
            continue;
          }
          sockets.add(client);
          sockets.add(upstream);
        }
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // closed by cut()
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to == null ? null : to.getOutputStream();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  if (out != null && !stalled) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // one side closed
              } finally {
                closeQuietly(from);
                if (to != null) {
                  closeQuietly(to);
                }
              }
            },
            "tcp-proxy-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }
}
