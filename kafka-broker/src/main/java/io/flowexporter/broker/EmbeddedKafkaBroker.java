package io.flowexporter.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one), in this process, on
 * loopback. Used by the {@code demo} command, the integration tests and the benchmark; the
 * exporter's own jar does not contain it.
 *
 * <p>The data directory is created by {@link #start} and deleted by {@link #close()} when it was a
 * temporary one. {@link #stop()} and {@link #restart()} keep the data, for tests of broker outages.
 *
 * <p>Its client listener speaks PLAINTEXT, or with {@link #startSaslSsl} SASL_SSL only (SCRAM
 * users, a private CA, optionally ACLs); the controller listener is always PLAINTEXT on loopback.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final int port;
  private final int controllerPort;
  private final String clusterId = Uuid.randomUuid().toString();

  /** Null for a PLAINTEXT listener. */
  private final SaslSslListener saslSsl;

  /** The second PLAINTEXT listener's port and the port it advertises; 0 without one. */
  private final int sidePort;

  private final int sideAdvertisedPort;

  private final TestCertificates certificates;
  private final String superUserPassword = UUID.randomUUID().toString();
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(
      Path dataDir,
      boolean deleteOnClose,
      int port,
      int controllerPort,
      SaslSslListener saslSsl,
      int sideAdvertisedPort) {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.port = port;
    this.controllerPort = controllerPort;
    this.saslSsl = saslSsl;
    this.sideAdvertisedPort = sideAdvertisedPort;
    this.sidePort = sideAdvertisedPort == 0 ? 0 : freePort();
    this.certificates =
        saslSsl == null
            ? null
            : TestCertificates.create(dataDir.resolve("tls"), saslSsl.serverNames());
  }

  /** Starts a broker on a free loopback port with its data in a new temporary directory. */
  public static EmbeddedKafkaBroker start() {
    return start(0);
  }

  /** Starts a broker on the given loopback port (0: a free one), data in a temporary directory. */
  public static EmbeddedKafkaBroker start(int port) {
    try {
      Path dir = Files.createTempDirectory("flow-exporter-kafka-");
      return start(dir, true, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a broker whose data lives in {@code dataDir}. */
  public static EmbeddedKafkaBroker start(Path dataDir, boolean deleteOnClose, int port) {
    return start(dataDir, deleteOnClose, port, null, 0);
  }

  /**
   * Starts a PLAINTEXT broker with a second client listener that tells its clients to connect to
   * {@code advertisedPort} instead of its own {@link #sideListenerPort()}: a proxy there that
   * forwards to it can cut the clients that bootstrap through it off from the broker, while the
   * others stay connected.
   */
  public static EmbeddedKafkaBroker startWithSideListener(int advertisedPort) {
    try {
      return start(
          Files.createTempDirectory("flow-exporter-kafka-"), true, 0, null, advertisedPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port of the listener of {@link #startWithSideListener}. */
  public int sideListenerPort() {
    if (sidePort == 0) {
      throw new IllegalStateException("this broker has no side listener");
    }
    return sidePort;
  }

  /**
   * Starts a broker whose client listener speaks SASL_SSL only, on a free loopback port, data and
   * certificates in a new temporary directory.
   */
  public static EmbeddedKafkaBroker startSaslSsl(SaslSslListener listener) {
    try {
      Path dir = Files.createTempDirectory("flow-exporter-kafka-");
      return start(dir, true, 0, listener, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param sideAdvertisedPort 0, or the port the side listener advertises
   */
  private static EmbeddedKafkaBroker start(
      Path dataDir,
      boolean deleteOnClose,
      int port,
      SaslSslListener saslSsl,
      int sideAdvertisedPort) {
    EmbeddedKafkaBroker broker =
        new EmbeddedKafkaBroker(
            dataDir,
            deleteOnClose,
            port == 0 ? freePort() : port,
            freePort(),
            saslSsl,
            sideAdvertisedPort);
    broker.format();
    broker.startServer();
    return broker;
  }

  /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * What a client needs besides {@code bootstrap.servers}: nothing for PLAINTEXT; for SASL_SSL
   * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config} and {@code
   * ssl.truststore.*} for {@code user} (any user of the listener, or {@link
   * SaslSslListener#SUPER_USER}).
   */
  public Properties clientProperties(String user) {
    if (saslSsl == null) {
      return new Properties();
    }
    String password = saslSsl.allUsers(superUserPassword).get(user);
    if (password == null) {
      throw new IllegalArgumentException("no user " + user + " on this broker");
    }
    return clientProperties(user, password);
  }

  /** As {@link #clientProperties(String)}, with any password (a wrong one, for tests). */
  public Properties clientProperties(String user, String password) {
    requireSaslSsl();
    Properties p = new Properties();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", SaslSslListener.MECHANISM);
    p.put("sasl.jaas.config", jaas(user, password));
    p.put("ssl.truststore.location", certificates.truststore().toString());
    p.put("ssl.truststore.password", certificates.password());
    p.put("ssl.truststore.type", "PKCS12");
    return p;
  }

  /** The super user's client properties: it may do anything, ACLs included. */
  public Properties superUserProperties() {
    return clientProperties(SaslSslListener.SUPER_USER);
  }

  /** The certificates of the SASL_SSL listener (for a truststore that does not trust them, say). */
  public TestCertificates certificates() {
    requireSaslSsl();
    return certificates;
  }

  private void requireSaslSsl() {
    if (saslSsl == null) {
      throw new IllegalStateException("this broker's listener is PLAINTEXT");
    }
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /** The directory holding the broker's logs. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker, keeping its data; {@link #restart()} brings it back on the same port. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts a stopped broker again. */
  public synchronized void restart() {
    if (server == null) {
      startServer();
    }
  }

  @Override
  public synchronized void close() {
    stop();
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  private Properties config() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    boolean side = sidePort != 0;
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + port
            + (side ? ",SIDE://127.0.0.1:" + sidePort : "")
            + ",CONTROLLER://127.0.0.1:"
            + controllerPort);
    p.put(
        "advertised.listeners",
        "PLAINTEXT://127.0.0.1:" + port + (side ? ",SIDE://127.0.0.1:" + sideAdvertisedPort : ""));
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT," + (side ? "SIDE:PLAINTEXT," : "") + "CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    // The log cleaner (for the compacted changelogs and offsets) allocates its dedupe buffer on the
    // heap when the broker starts: Kafka's 128 MiB made the demo, which runs the broker, the
    // generator and the exporter in one JVM, run out of a 256 MiB heap now and then. 16 MiB holds
    // the keys of about 700,000 records per cleaning, more than these topics have.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    if (saslSsl != null) {
      secure(p);
    }
    return p;
  }

  /** One SASL_SSL client listener, also the listener the broker uses to reach itself. */
  private void secure(Properties p) {
    p.put(
        "listeners", "SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port);
    p.put("inter.broker.listener.name", "SASL_SSL");
    p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
    p.put("sasl.enabled.mechanisms", SaslSslListener.MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", SaslSslListener.MECHANISM);
    String prefix = "listener.name.sasl_ssl.";
    p.put(
        prefix + SaslSslListener.MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
        jaas(SaslSslListener.SUPER_USER, superUserPassword));
    p.put(prefix + "ssl.keystore.location", certificates.serverKeystore().toString());
    p.put(prefix + "ssl.keystore.password", certificates.password());
    p.put(prefix + "ssl.key.password", certificates.password());
    p.put(prefix + "ssl.keystore.type", "PKCS12");
    p.put(prefix + "ssl.truststore.location", certificates.truststore().toString());
    p.put(prefix + "ssl.truststore.password", certificates.password());
    p.put(prefix + "ssl.truststore.type", "PKCS12");
    // The broker's own connections to itself (transaction markers) skip the host name check, so
    // that a certificate made for another name (to test the clients' check) still works here.
    p.put(prefix + "ssl.endpoint.identification.algorithm", "");
    if (saslSsl.authorizer()) {
      p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      // ANONYMOUS: the broker's requests on the PLAINTEXT controller listener (loopback only,
      // not advertised); every client on the SASL_SSL listener is a SCRAM user.
      p.put("super.users", "User:" + SaslSslListener.SUPER_USER + ";User:ANONYMOUS");
    }
  }

  private void format() {
    String logs = dataDir.resolve("logs").toString();
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(clusterId)
          .setDirectories(List.of(logs))
          .setMetadataLogDirectory(logs)
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setIgnoreFormatted(true)
          .setScramArguments(scramArguments())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not format the embedded broker's storage in " + logs, e);
    }
  }

  /** The users as {@code kafka-storage format --add-scram} takes them. */
  private List<String> scramArguments() {
    if (saslSsl == null) {
      return List.of();
    }
    return saslSsl.allUsers(superUserPassword).entrySet().stream()
        .map(
            (Map.Entry<String, String> u) ->
                SaslSslListener.MECHANISM
                    + "=[name="
                    + u.getKey()
                    + ",password="
                    + u.getValue()
                    + "]")
        .toList();
  }

  private void startServer() {
    server = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
    server.startup();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes a directory tree; nothing if it is not there. Public for the demo, whose temporary
   * directory holds the broker's data next to the exporter's state.
   */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
