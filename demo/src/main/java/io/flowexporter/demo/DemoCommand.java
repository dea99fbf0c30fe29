package io.flowexporter.demo;

import io.flowexporter.app.Exporter;
import io.flowexporter.app.ExporterCommand;
import io.flowexporter.app.ShutdownSignals;
import io.flowexporter.app.StartupFlagException;
import io.flowexporter.app.config.ApiConfig;
import io.flowexporter.app.config.AsnDbConfig;
import io.flowexporter.app.config.CountryConfig;
import io.flowexporter.app.config.ExporterConfig;
import io.flowexporter.app.config.FlowDocumentsConfig;
import io.flowexporter.app.config.HttpConfig;
import io.flowexporter.app.config.KafkaConfig;
import io.flowexporter.app.config.ProcessingGuarantee;
import io.flowexporter.app.config.WebTlsConfig;
import io.flowexporter.app.http.ListenAddress;
import io.flowexporter.broker.EmbeddedKafkaBroker;
import io.flowexporter.generator.Acks;
import io.flowexporter.generator.FlowGenerator;
import io.flowexporter.generator.FlowSender;
import io.flowexporter.generator.FreshTopics;
import io.flowexporter.topology.TopologyConfig;
import io.flowexporter.topology.enrich.AsnFromIp;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flow-exporter demo}: a real single-node Kafka broker, a generator of pmacct records and
 * the exporter with the bundled sample AS database, all in this process, with every file in one
 * temporary directory that is removed on exit.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run flow-exporter on an embedded Kafka broker with generated pmacct traffic.",
      "A bundled sample AS database names the peers. No infrastructure needed;",
      "Ctrl-C stops everything and removes its files."
    })
public final class DemoCommand implements Callable<Integer> {

  static final String TOPIC = "pmacct.flows";

  /**
   * The ports the demo counts, as the exporter's {@code --port 53,80,443} would: the server ports
   * of the generated records, so the port family and the console's top ports have traffic to show.
   */
  static final List<Integer> PORTS = FlowGenerator.SERVICE_PORTS;

  @Spec CommandSpec spec;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Generated records per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--port",
      defaultValue = "9590",
      description = "Port of /metrics (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--kafka-port",
      defaultValue = "0",
      description = "Port of the embedded broker (default: a free one).")
  int kafkaPort;

  @Option(
      names = "--status-interval",
      defaultValue = "5",
      description = "Seconds between status lines (default: ${DEFAULT-VALUE}).")
  int statusSeconds;

  @Override
  public Integer call() throws Exception {
    if (rate < 1) {
      throw bad("--rate", "must be at least 1");
    }
    if (port < 0 || port > 65535) {
      throw bad("--port", port + " is not a port (0..65535)");
    }
    if (kafkaPort < 0 || kafkaPort > 65535) {
      throw bad("--kafka-port", kafkaPort + " is not a port (0..65535)");
    }
    if (statusSeconds < 1) {
      throw bad("--status-interval", "must be at least 1 (seconds)");
    }
    // Before the broker and the generator start: a port in use is a bad flag, said at once.
    try {
      ListenAddress.requireFree(new HttpConfig("", port));
    } catch (StartupFlagException e) {
      throw bad("--port", e.getMessage());
    }
    PrintStream out = System.out;
    quietWarningsAboutTheDemosSetUp();
    Path root = Files.createTempDirectory("flow-exporter-demo-");
    out.println("[demo] temporary files in " + root + " (removed on exit)");
    CountDownLatch stop = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    // SIGHUP too: a closed terminal stops the demo in order and removes its files.
    ShutdownSignals.install(stop::countDown, "INT", "TERM", "HUP");
    EmbeddedKafkaBroker broker = null;
    Exporter exporter = null;
    Thread generatorThread = null;
    try {
      broker = EmbeddedKafkaBroker.start(root.resolve("kafka"), false, kafkaPort);
      out.println("[demo] Kafka broker up at " + broker.bootstrapServers());
      FreshTopics.createIfMissing(broker.bootstrapServers(), TOPIC, 4);
      out.println("[demo] topic " + TOPIC + " created (4 partitions)");
      Path mmdb = root.resolve("sample-asn.mmdb");
      try (InputStream in = DemoCommand.class.getResourceAsStream(SamplePeers.MMDB)) {
        Files.copy(in, mmdb);
      }
      Path countryMmdb = root.resolve("sample-country.mmdb");
      try (InputStream in = DemoCommand.class.getResourceAsStream(SamplePeers.COUNTRY_MMDB)) {
        Files.copy(in, countryMmdb);
      }
      Acks produced = new Acks();
      generatorThread = startGenerator(broker.bootstrapServers(), produced, stopping);
      out.println("[demo] generator writing " + rate + " pmacct records/s to " + TOPIC);
      Path tokens = root.resolve("api-tokens");
      String token = apiToken();
      Files.writeString(tokens, "demo:" + token + "\n");
      try {
        exporter =
            Exporter.start(config(broker.bootstrapServers(), root, mmdb, countryMmdb, tokens));
      } catch (StartupFlagException e) {
        // Taken since the check above: the exporter's --addr is the demo's --port.
        throw bad("--addr".equals(e.flag()) ? "--port" : e.flag(), e.getMessage());
      }
      int httpPort = exporter.httpPort();
      out.println("[demo] the console: http://localhost:" + httpPort + "/");
      // A token made for this run only, over synthetic traffic: shown so that the console's flow
      // form and curl can be tried at once.
      out.println("[demo] flow API token of this run (for the console's flow form): " + token);
      out.println(
          "[demo]   curl -N -H 'Authorization: Bearer "
              + token
              + "' 'http://localhost:"
              + httpPort
              + "/api/v1/flows/tap?as=15169&limit=5'");
      out.println("[demo] exporter running; counters appear within a few seconds at:");
      out.println("[demo]   curl -s http://localhost:" + httpPort + "/metrics | grep ^flow_");
      out.println("[demo] PromQL, bits per second received per peer AS:");
      out.println("[demo]   8 * sum by (source_as_name) (rate(flow_receive_bytes_total[5m]))");
      out.println("[demo] and per country (sample country database):");
      out.println(
          "[demo]   8 * sum by (country_name) (rate(flow_country_receive_bytes_total[5m]))");
      out.println(
          "[demo] and per port (the demo counts 53, 80 and 443, as --port 53,80,443 would):");
      out.println("[demo]   8 * sum by (port, protocol) (rate(flow_port_receive_bytes_total[5m]))");
      out.println("[demo] press Ctrl-C to stop");
      AtomicBoolean exporterEnded = releaseWhenItEnds(exporter, stop);
      while (!stop.await(statusSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
        out.printf(
            "[demo] status: %s, %d records produced%s, %d counted, %d invalid, %d series exposed%n",
            exporter.state(),
            produced.acknowledged(),
            produced.failed() == 0
                ? ""
                : " (" + produced.failed() + " not written: " + produced.firstError() + ")",
            exporter.outcomes().countedTotal(),
            exporter.outcomes().invalidTotal(),
            exporter.committedTotals().snapshot().size());
      }
      if (exporterEnded.get()) {
        out.println("[demo] the exporter failed; see the log above");
        return 1;
      }
      out.println("[demo] stopping");
      return 0;
    } finally {
      stopping.set(true);
      if (generatorThread != null) {
        generatorThread.join(10_000);
      }
      if (exporter != null) {
        exporter.close();
      }
      if (broker != null) {
        broker.close();
      }
      EmbeddedKafkaBroker.deleteRecursively(root);
      out.println("[demo] stopped; removed " + root);
    }
  }

  private ParameterException bad(String flag, String why) {
    return ExporterCommand.badFlag(spec.commandLine(), flag, why);
  }

  /**
   * Two Kafka warnings about what the demo does on purpose, which would be a newcomer's first
   * worry: a new broker's empty metadata log, and state kept under the temporary directory (where
   * the demo keeps all it removes on exit). The exporter itself still warns about the latter.
   */
  private static void quietWarningsAboutTheDemosSetUp() {
    for (String name :
        List.of(
            "org.apache.kafka.controller.QuorumController",
            "org.apache.kafka.streams.processor.internals.StateDirectory")) {
      if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
        logger.setLevel(ch.qos.logback.classic.Level.ERROR);
      }
    }
  }

  /**
   * Releases {@code stop} when the exporter ends by itself, which is a failure: only the demo
   * closes it, after the loop. Waiting for that, rather than asking at each status line, stops the
   * demo at once.
   */
  private static AtomicBoolean releaseWhenItEnds(Exporter exporter, CountDownLatch stop) {
    AtomicBoolean ended = new AtomicBoolean();
    daemon(
        "demo-exporter-watch",
        () -> {
          exporter.awaitShutdown();
          ended.set(true);
          stop.countDown();
        });
    return ended;
  }

  private Thread startGenerator(String brokers, Acks produced, AtomicBoolean stopping) {
    FlowGenerator generator =
        new FlowGenerator(
            new FlowGenerator.Options(
                SamplePeers.DEMO_OWN_ASN,
                SamplePeers.DEMO_OWN_PREFIX,
                3,
                0.6,
                0.15,
                0.2,
                System.nanoTime()),
            SamplePeers.load());
    return daemon(
        "demo-generator",
        () -> {
          try (KafkaProducer<String, String> producer = FlowSender.producer(brokers)) {
            FlowSender.send(generator, producer, TOPIC, rate, 0, stopping, produced);
          }
        });
  }

  /** Work that ends when its thread is interrupted. */
  private interface Interruptible {
    void run() throws InterruptedException;
  }

  /** Starts {@code body} on a daemon thread, so that it never holds the JVM up. */
  private static Thread daemon(String name, Interruptible body) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** A random token for the flow API of this run: 24 bytes, URL-safe Base64. */
  private static String apiToken() {
    byte[] b = new byte[24];
    new java.security.SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private ExporterConfig config(
      String brokers, Path root, Path mmdb, Path countryMmdb, Path apiTokens) {
    KafkaConfig kafka =
        new KafkaConfig(
            brokers,
            "flow-exporter-demo",
            root.resolve("state"),
            ProcessingGuarantee.EXACTLY_ONCE_V2,
            true,
            Duration.ofMillis(500),
            0,
            1,
            Map.of());
    TopologyConfig topology =
        new TopologyConfig(TOPIC, List.of(SamplePeers.DEMO_OWN_ASN), AsnFromIp.AUTO, 1);
    return new ExporterConfig(
        kafka,
        new HttpConfig("", port),
        new AsnDbConfig(Optional.of(mmdb), Optional.empty(), Duration.ofSeconds(10)),
        topology,
        new CountryConfig(Optional.of(countryMmdb), Duration.ofSeconds(10)),
        PORTS,
        FlowDocumentsConfig.NONE,
        new ApiConfig(Optional.of(apiTokens), 4),
        WebTlsConfig.NONE);
  }
}
