package io.flowexporter.app.demo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flow-exporter generate}: writes realistic pmacct JSON flow records to a topic of an
 * existing broker, at a steady rate, for trying dashboards and for load tests.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Write sample pmacct JSON flow records to a Kafka topic.")
public final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--brokers", required = true, description = "Kafka bootstrap servers.")
  String brokers;

  @Option(names = "--topic", required = true, description = "Topic to write to.")
  String topic;

  @Spec CommandSpec spec;

  @Option(names = "--rate", defaultValue = "100", description = "Records per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--count", defaultValue = "0", description = "Stop after this many records; 0: run until stopped.")
  long count;

  @Option(names = "--own-asn", defaultValue = "64500", description = "The operator's AS in the generated traffic (default: ${DEFAULT-VALUE}).")
  long ownAsn;

  @Option(names = "--routers", defaultValue = "3", description = "Routers (label edge1..N) (default: ${DEFAULT-VALUE}).")
  int routers;

  @Option(names = "--zero-as-share", defaultValue = "0.1", description = "Share of records with AS 0, for AS-from-IP (default: ${DEFAULT-VALUE}).")
  double zeroAsShare;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions if the topic has to be created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (rate < 1) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--rate': must be at least 1");
    }
    createTopicIfMissing(brokers, topic, partitions);
    FlowGenerator generator =
        new FlowGenerator(
            new FlowGenerator.Options(ownAsn, SamplePeers.DEMO_OWN_PREFIX, routers, 0.6, zeroAsShare, 0.2, seed),
            SamplePeers.load());
    AtomicBoolean stop = new AtomicBoolean();
    io.flowexporter.app.ShutdownSignals.install(() -> stop.set(true));
    Acks acks = new Acks();
    try (KafkaProducer<String, String> producer = producer(brokers)) {
      run(generator, producer, topic, rate, count, stop, acks);
    }
    System.out.println("Sent " + acks.acknowledged() + " records to " + topic);
    if (acks.failed() > 0) {
      System.err.println("flow-exporter generate: " + acks.failed() + " records were not written to "
          + topic + "; first error: " + acks.firstError());
      return 1;
    }
    return 0;
  }

  /** What the broker acknowledged; thread-safe, filled by the producer's callbacks. */
  public static final class Acks {
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    public void completed(Exception error) {
      if (error == null) {
        acknowledged.incrementAndGet();
      } else {
        failed.incrementAndGet();
        firstError.compareAndSet(null, error);
      }
    }

    public long acknowledged() {
      return acknowledged.get();
    }

    public long failed() {
      return failed.get();
    }

    public Exception firstError() {
      return firstError.get();
    }
  }

  /**
   * Sends records at {@code rate} per second until {@code count} (if above 0) are sent or {@code
   * stop} turns true, then waits for the last acknowledgements; {@code acks} counts them as they
   * come.
   */
  static void run(
      FlowGenerator generator,
      KafkaProducer<String, String> producer,
      String topic,
      int rate,
      long count,
      AtomicBoolean stop,
      Acks acks)
      throws InterruptedException {
    long start = System.nanoTime();
    long n = 0;
    while (!stop.get() && (count <= 0 || n < count)) {
      long due = (System.nanoTime() - start) * rate / 1_000_000_000L + 1;
      while (n < due && (count <= 0 || n < count)) {
        producer.send(new ProducerRecord<>(topic, generator.next()), (metadata, error) -> acks.completed(error));
        n++;
      }
      Thread.sleep(5);
    }
    producer.flush();
  }

  static KafkaProducer<String, String> producer(String brokers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  static void createTopicIfMissing(String brokers, String topic, int partitions) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    try (Admin admin = Admin.create(p)) {
      // The broker's default replication factor: right for a real cluster and for one node.
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get();
      awaitLeaders(admin, topic, partitions);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /**
   * Waits until the leader of each partition of a topic created a moment ago serves it. Writing
   * sooner can lose records: a broker that refuses a producer's first request (not the leader
   * yet) and accepts its second makes every retry of the first fail as out of order, until it
   * expires (KAFKA-15591). A list-offsets request meets the same leadership check as a write; it
   * is asked again while the answer is a retriable "not yet" (unknown topic, no leader yet), for
   * up to a minute.
   */
  public static void awaitLeaders(Admin admin, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      try {
        admin.listOffsets(latest).all().get();
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
