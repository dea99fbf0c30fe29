package io.flowexporter.app;

import io.flowexporter.app.config.Durations;
import io.flowexporter.app.config.ExporterConfig;
import io.flowexporter.app.config.FlowDocumentsConfig;
import io.flowexporter.app.console.ConsolePage;
import io.flowexporter.app.console.RateSampler;
import io.flowexporter.app.console.TopApi;
import io.flowexporter.app.documents.RollingDocumentLog;
import io.flowexporter.app.flows.ApiTokens;
import io.flowexporter.app.flows.FlowApi;
import io.flowexporter.app.flows.FlowScanner;
import io.flowexporter.app.flows.ScanConsumers;
import io.flowexporter.app.http.FlowMetricsWriter;
import io.flowexporter.app.http.ListenAddress;
import io.flowexporter.app.http.MetricsServer;
import io.flowexporter.app.http.WebTls;
import io.flowexporter.app.kafka.CommitAwareClientSupplier;
import io.flowexporter.app.kafka.GroupContact;
import io.flowexporter.app.kafka.KafkaRefusalLog;
import io.flowexporter.app.kafka.KafkaRefusals;
import io.flowexporter.app.kafka.RestoreProgressLog;
import io.flowexporter.app.kafka.RocksDbPreload;
import io.flowexporter.app.kafka.StreamPreflight;
import io.flowexporter.app.kafka.StreamsProperties;
import io.flowexporter.app.kafka.TopicAcls;
import io.flowexporter.app.kafka.UnreadableFormats;
import io.flowexporter.app.kafka.UntilKafkaAnswers;
import io.flowexporter.app.logging.RepeatingFailureLog;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.asndb.CountryLookup;
import io.flowexporter.topology.FlowTopology;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.DeltaBatch;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.aggregate.SeriesLimits;
import io.flowexporter.topology.document.DocumentLog;
import io.flowexporter.topology.document.FlowDocuments;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.series.AsFamily;
import io.flowexporter.topology.series.CountryFamily;
import io.flowexporter.topology.series.PortFamily;
import io.flowexporter.topology.series.SeriesFamilies;
import io.flowexporter.topology.series.SeriesFamily;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running exporter, wired in one place: the databases and files the flags name, the metrics
 * registry, a check that the listen address is free, then the HTTP server and, at the same time on
 * a background thread, the topic lookup, the topology and Kafka Streams. {@link #close()} stops
 * Kafka Streams first (its last commit is still served), then the rest in reverse order of start.
 */
public final class Exporter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);
  private static final Duration STATUS_INTERVAL = Duration.ofSeconds(60);

  private final ExporterConfig config;

  /** What {@link #close()} stops: Kafka Streams first, then the rest, last started first. */
  private final ShutdownOrder shutdown = new ShutdownOrder();

  private final CommittedTotals committed = new CommittedTotals();
  private final RecordOutcomes outcomes = new RecordOutcomes();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean failed;
  private final ScheduledExecutorService background =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "flow-exporter-background");
            t.setDaemon(true);
            return t;
          });
  private MetricsServer http;
  private AsnLookup asn = AsnLookup.EMPTY;
  private CountryLookup countries = CountryLookup.EMPTY;
  private Optional<DocumentLog> flowLog = Optional.empty();

  /** RocksDB's native library, loading since the start; the stream waits for it. */
  private RocksDbPreload rocksDb;

  private final SeriesFamilies families;

  /** What this instance shows of its stream: readiness, the scraped totals, the lag. */
  private final StreamView view;

  /** Kafka's refusals (login, TLS, ACLs) in the exporter's words, for the log and /readyz. */
  private final KafkaRefusals kafkaRefusals;

  private final KafkaRefusalLog refusalLog;

  private Exporter(ExporterConfig config) {
    this.config = config;
    this.families = familiesOf(config);
    this.view = new StreamView(committed, config.topology().inputTopic(), closing::get);
    this.kafkaRefusals =
        KafkaRefusals.of(
            StreamsProperties.of(config.kafka()),
            config.kafka().brokers(),
            new TopicAcls(
                config.topology().inputTopic(),
                config.documents().topic(),
                config.kafka().applicationId()));
    this.refusalLog = new KafkaRefusalLog(kafkaRefusals);
  }

  /**
   * The AS family and the country family always (without a country database, countries come from
   * pmacct's fields alone, and records without them count toward no country); the port family when
   * {@code --port} chose ports.
   */
  private static SeriesFamilies familiesOf(ExporterConfig config) {
    List<SeriesFamily> all = new ArrayList<>(List.of(AsFamily.FAMILY));
    all.add(
        config.countries().database().isPresent()
            ? CountryFamily.FAMILY
            : CountryFamily.FROM_PMACCT);
    if (!config.ports().isEmpty()) {
      all.add(PortFamily.of(config.ports()));
    }
    return new SeriesFamilies(all);
  }

  /**
   * Starts everything. Returns once the HTTP server is up; Kafka Streams starts in the background
   * as soon as the brokers answer and the topic exists.
   *
   * @throws StartupFlagException naming the flag, if a file a flag names cannot be used or the
   *     {@code --addr} port is taken
   */
  public static Exporter start(ExporterConfig config) throws StartupFlagException {
    Exporter e = new Exporter(config);
    try {
      e.startAll();
    } catch (StartupFlagException | RuntimeException ex) {
      e.close();
      throw ex;
    }
    return e;
  }

  private void startAll() throws StartupFlagException {
    LOG.info("flow-exporter {} starting\n{}", VersionProvider.version(), config.describe());
    rocksDb = RocksDbPreload.start();
    shutdown.add(background::shutdownNow);
    shutdown.add(registry::close);
    LookupDatabases databases = new LookupDatabases(registry, shutdown);
    asn = databases.openAsn(config.asnDb());
    flowLog = openFlowLog(config.documents());
    List<String> idleFlags = config.documents().flagsWithoutEffect();
    if (!idleFlags.isEmpty()) {
      LOG.warn(
          "{} set, but without effect: {}",
          String.join(", ", idleFlags),
          config.documents().enabled()
              ? "the rotation flags are only about --flow-log"
              : "flow documents go nowhere without --flow-log or --flow-topic");
    }
    LookupDatabases.warnAboutUnnamed(config.topology().ownAsns(), config.asnDb(), asn);
    countries = databases.openCountry(config.countries());
    Consumer<Javalin> flowApi = flowApi();
    WebTls tls = webTls();
    // The stream (finding the brokers and the topic, then joining the consumer group) starts while
    // the HTTP server does, once every flag's file and the port are known to be usable: an
    // instance that cannot start must not make the group rebalance.
    ListenAddress.requireFree(config.http());
    // A thread of its own: waiting for Kafka and the topic may last hours, and the background
    // executor's jobs (the status line, the TLS certificate's reloads) must run meanwhile.
    Thread starter =
        new Thread(
            () -> {
              try {
                startStreams();
              } catch (RuntimeException | Error e) {
                if (closing.get()) {
                  // Stopped while starting (a SIGTERM): the interrupt broke the start off; not
                  // a failure.
                  LOG.debug("The stream's start ended by the stop", e);
                  return;
                }
                // An Error too (a class that cannot load, out of memory): logged and exiting,
                // never an instance that waits unready forever.
                LOG.error("Could not start the stream; exiting", e);
                fail();
              }
            },
            "flow-exporter-start");
    starter.setDaemon(true);
    shutdown.add(starter::interrupt);
    starter.start();
    // After the stream's start, which waits on the brokers' answers meanwhile: a start is mostly
    // CPU on few cores, and the stream's is the longer path to /readyz.
    shutdown.add(ExporterMeters.bind(registry, outcomes, committed, view, families));
    RateSampler rates = RateSampler.start(view::trafficSnapshot, families, view::ready);
    shutdown.add(rates);
    TopApi top = new TopApi(rates, asn, countries, config.api().enabled());
    http = startHttp(flowApi, top, tls);
    shutdown.add(http);
    LOG.info(
        "Serving the console at /, /metrics, /healthz and /readyz on port {}{}",
        http.port(),
        tls != null ? " (HTTPS only)" : "");
    background.scheduleAtFixedRate(
        new StatusLog(),
        STATUS_INTERVAL.toSeconds(),
        STATUS_INTERVAL.toSeconds(),
        TimeUnit.SECONDS);
  }

  /**
   * The HTTP server. {@link ListenAddress#requireFree} found the port free a moment ago; another
   * process taking it since is still a bad {@code --addr} (exit 2), not a failure of the exporter.
   */
  private MetricsServer startHttp(Consumer<Javalin> flowApi, TopApi top, WebTls tls)
      throws StartupFlagException {
    try {
      return MetricsServer.start(
          config.http(),
          (out, openMetrics) ->
              FlowMetricsWriter.write(
                  out, view.trafficSnapshot(), families, asn, countries, openMetrics),
          registry,
          view::ready,
          () ->
              refusalLog
                  .current()
                  .map(KafkaRefusals.Refusal::message)
                  .orElseGet(view::notReadyReason),
          app -> {
            flowApi.accept(app);
            top.mount(app);
            new ConsolePage().mount(app);
          },
          tls);
    } catch (io.javalin.util.JavalinBindException e) {
      throw new StartupFlagException("--addr", "cannot listen: " + e.getMessage(), e);
    }
  }

  /**
   * The flow API's routes, or none without {@code --api-token-file}. Its scans read the input topic
   * on consumers of their own, on the HTTP server's threads, never on the stream threads.
   */
  private Consumer<Javalin> flowApi() throws StartupFlagException {
    if (!config.api().enabled()) {
      return app -> {};
    }
    ApiTokens tokens = ApiTokens.load(config.api().tokenFile().get());
    FlowClassifier classifier =
        new FlowClassifier(
            config.topology().ownAsns(),
            config.topology().asnFromIp(),
            config.topology().defaultSamplingRate(),
            asn,
            countries);
    FlowScanner scanner =
        new FlowScanner(
            new ScanConsumers(config.kafka()),
            config.topology().inputTopic(),
            classifier,
            asn,
            FlowScanner.MAX_BYTES);
    FlowApi api =
        new FlowApi(tokens, scanner, config.api().maxScans(), Clock.systemUTC(), kafkaRefusals);
    LOG.info(
        "Serving the flow API ({}, {}) to {} token(s) from {}, {} scans at a time",
        FlowApi.TAP,
        FlowApi.SEARCH,
        tokens.size(),
        config.api().tokenFile().get(),
        config.api().maxScans());
    return api::mount;
  }

  /** HTTPS, or null for plain HTTP; the pair is read again every 10 s when it changed. */
  private WebTls webTls() throws StartupFlagException {
    if (!config.webTls().enabled()) {
      return null;
    }
    WebTls tls = WebTls.load(config.webTls().cert().get(), config.webTls().key().get());
    background.scheduleWithFixedDelay(tls::reloadIfChanged, 10, 10, TimeUnit.SECONDS);
    return tls;
  }

  /** The flow log, opened before the stream so that a bad path is a bad flag; closed after it. */
  private Optional<DocumentLog> openFlowLog(FlowDocumentsConfig documents)
      throws StartupFlagException {
    if (documents.log().isEmpty()) {
      return Optional.empty();
    }
    try {
      RollingDocumentLog log =
          RollingDocumentLog.open(documents.log().get(), documents.maxSize(), documents.maxFiles());
      shutdown.add(log);
      LOG.info(
          "Writing flow documents ({}) to {}, rotated past {} bytes, {} files kept",
          documents.filter(),
          documents.log().get(),
          documents.maxSize(),
          documents.maxFiles());
      return Optional.of(log);
    } catch (IOException e) {
      throw new StartupFlagException("--flow-log", e.getMessage(), e);
    }
  }

  private void startStreams() {
    Properties props = StreamsProperties.of(config.kafka());
    Topology topology;
    UntilKafkaAnswers kafka =
        new UntilKafkaAnswers(config.kafka().brokers(), closing::get, refusalLog);
    try {
      Optional<StreamPreflight.Plan> answered;
      try {
        answered = StreamPreflight.run(config, props, kafka);
      } catch (StreamPreflight.RefusedException e) {
        LOG.error("{}; exiting", e.getMessage());
        fail();
        return;
      }
      if (answered.isEmpty()) {
        return; // stopped while waiting for Kafka
      }
      StreamPreflight.Plan plan = answered.get();
      int owners = plan.owners();
      int documentBytes = plan.documentBytes();
      FlowDocuments documents =
          new FlowDocuments(
              config.documents().filter(), config.documents().topic(), flowLog, documentBytes);
      topology =
          FlowTopology.build(
              config.topology(), owners, asn, countries, families, committed, outcomes, documents);
      SeriesLimits limits =
          SeriesLimits.of(config.topology().maxSeries(), owners, config.topology().seriesTtl());
      LOG.info(
          "Families of series: {}; at most {} series per family ({} to {} per owner partition, by its share of the owner slots), dropped after {} without traffic",
          families.all().stream().map(SeriesFamily::name).toList(),
          config.topology().maxSeries(),
          limits.maxSeriesOf(Math.min(owners, DeltaBatch.SLOTS) - 1),
          limits.maxSeriesOf(0),
          Durations.format(config.topology().seriesTtl()));
      LOG.debug("Topology:\n{}", topology.describe());
      rocksDb.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    // Built outside the lock (most of a second): close() must not wait for it.
    String deltasTopic = FlowTopology.deltasTopic(config.kafka().applicationId());
    RestoreProgressLog restores = new RestoreProgressLog();
    KafkaStreams s =
        new KafkaStreams(
            topology,
            props,
            new CommitAwareClientSupplier(
                committed,
                left ->
                    committed.forget(
                        left.stream()
                            .filter(tp -> tp.topic().equals(deltasTopic))
                            .map(TopicPartition::partition)
                            .toList()),
                restores::restoring));
    GroupContact contact = GroupContact.of(props);
    int ownerSubtopology = subtopologyOf(topology, FlowTopology.OWNER);
    RepeatingFailureLog sampleFailures =
        new RepeatingFailureLog(LOG, "Could not read the consumers' heartbeat metrics");
    background.scheduleWithFixedDelay(
        () -> {
          try {
            view.sampleGroupContact();
          } catch (RuntimeException e) {
            sampleFailures.failed(e, System.nanoTime());
          }
        },
        500,
        500,
        TimeUnit.MILLISECONDS);
    StreamThreadFailures threadFailures =
        new StreamThreadFailures(
            new UnreadableFormats(config.kafka().applicationId(), config.topology().inputTopic()));
    s.setStateListener(
        (now, before) -> {
          threadFailures.stateChanged(now);
          view.changed(now);
          LOG.info("Stream state {} -> {}", before, now);
          if (now == State.RUNNING) {
            refusalLog.clear();
            restores.running();
          }
          if (now == State.ERROR) {
            LOG.error("The stream stopped for good; exiting");
            fail();
          }
        });
    s.setGlobalStateRestoreListener(restores);
    s.setUncaughtExceptionHandler(
        failure -> threadFailures.respond(failure, refusalLog.report(failure).isPresent()));
    // Leave the consumer group on a clean stop (SIGTERM): Kafka Streams does not by default, so
    // the other instances (or this one, restarted) would wait session.timeout.ms (45 s) before
    // the group noticed and handed the partitions over. A static member (group.instance.id set)
    // stays, as static membership intends: restarted in time, it gets its partitions back.
    GroupMembershipOperation onClose =
        isStaticMember(props)
            ? GroupMembershipOperation.REMAIN_IN_GROUP
            : GroupMembershipOperation.LEAVE_GROUP;
    KafkaStreamsMetrics kafkaMetrics = new KafkaStreamsMetrics(s);
    kafkaMetrics.bindTo(registry);
    shutdown.add(kafkaMetrics);
    boolean started =
        shutdown.startFirst(
            () ->
                s.close(
                    CloseOptions.groupMembershipOperation(onClose)
                        .withTimeout(Duration.ofSeconds(30))),
            () -> {
              view.attach(s, ownerSubtopology, contact);
              s.start();
            });
    if (!started) {
      s.close(Duration.ofSeconds(5)); // never started: frees its clients and state directory
    }
  }

  /** The id of the sub-topology holding a processor node. */
  private static int subtopologyOf(Topology topology, String node) {
    for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
      if (sub.nodes().stream().anyMatch(n -> n.name().equals(node))) {
        return sub.id();
      }
    }
    throw new IllegalStateException("no sub-topology holds " + node);
  }

  private static boolean isStaticMember(Properties props) {
    String key = ConsumerConfig.GROUP_INSTANCE_ID_CONFIG;
    return props.containsKey(key)
        || props.containsKey(StreamsConfig.consumerPrefix(key))
        || props.containsKey(StreamsConfig.mainConsumerPrefix(key));
  }

  /** Ends the exporter as failed (exit status 1); the reason is logged by the caller. */
  private void fail() {
    failed = true;
    stopped.countDown();
  }

  /** Blocks until {@link #close()} is called or the stream fails for good. */
  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  /** Whether the stream stopped for good (the process should exit non-zero). */
  public boolean failed() {
    return failed;
  }

  /** The HTTP port (useful when the configured port was 0). */
  public int httpPort() {
    return http.port();
  }

  /** Committed totals exposed by this instance, for tests and the demo's status line. */
  public CommittedTotals committedTotals() {
    return committed;
  }

  /** Per-outcome record counts of this process. */
  public RecordOutcomes outcomes() {
    return outcomes;
  }

  /** The current Kafka Streams state. */
  public State state() {
    return view.state();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Stopping");
    // finally: even an Error while closing (a jar replaced under the running process fails with
    // NoClassDefFoundError on classes first needed at shutdown) must let the process exit rather
    // than leave it waiting for a SIGKILL.
    try {
      shutdown.closeAll();
      LOG.info("Stopped");
    } finally {
      stopped.countDown();
    }
  }

  /** One line a minute: what was counted, how many series, how far behind. */
  private final class StatusLog implements Runnable {
    private long lastCounted;
    private long lastInvalid;

    @Override
    public void run() {
      long counted = outcomes.countedTotal();
      long invalid = outcomes.invalidTotal();
      double lag = view.consumerLag();
      LOG.info(
          "Status: {}, {} records counted and {} invalid in the last {}s, {} series from {} partitions, consumer lag {}",
          view.state(),
          counted - lastCounted,
          invalid - lastInvalid,
          STATUS_INTERVAL.toSeconds(),
          view.trafficSnapshot().size(),
          view.exposedPartitions(),
          Double.isNaN(lag) ? "unknown" : String.format("%.0f", lag));
      lastCounted = counted;
      lastInvalid = invalid;
    }
  }
}
