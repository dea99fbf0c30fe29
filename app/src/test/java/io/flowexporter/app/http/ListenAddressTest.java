package io.flowexporter.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexporter.app.StartupFlagException;
import io.flowexporter.app.config.HttpConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ListenAddressTest {

  @Test
  void aBusyPortIsRefusedNamingTheFlag() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      HttpConfig http = new HttpConfig("127.0.0.1", taken.getLocalPort());
      assertThatThrownBy(() -> ListenAddress.requireFree(http))
          .isInstanceOfSatisfying(
              StartupFlagException.class,
              e -> {
                assertThat(e.flag()).isEqualTo("--addr");
                assertThat(e.getMessage()).contains("127.0.0.1:" + taken.getLocalPort());
              });
    }
  }

  @Test
  void aFreePortIsLeftFreeForTheServer() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    HttpConfig http = new HttpConfig("127.0.0.1", port);
    assertThatCode(() -> ListenAddress.requireFree(http)).doesNotThrowAnyException();
    // The check let the port go: the server can bind it.
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress("127.0.0.1", port));
    }
  }

  @Test
  void anUnknownHostIsRefusedWithoutTheBusyPortHint() {
    HttpConfig http = new HttpConfig("no-such-host.invalid", 9590);
    assertThatThrownBy(() -> ListenAddress.requireFree(http))
        .isInstanceOf(StartupFlagException.class)
        .hasMessageContaining("no-such-host.invalid:9590")
        .hasMessageNotContaining("another flow-exporter");
  }
}
