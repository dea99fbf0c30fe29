package io.flowexporter.demo;

import io.flowexporter.app.ExporterCommand;
import io.flowexporter.app.ShutdownSignals;
import io.flowexporter.generator.Acks;
import io.flowexporter.generator.FlowGenerator;
import io.flowexporter.generator.FlowSender;
import io.flowexporter.generator.FreshTopics;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
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

  @Option(
      names = "--rate",
      defaultValue = "100",
      description = "Records per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--count",
      defaultValue = "0",
      description = "Stop after this many records; 0: run until stopped.")
  long count;

  @Option(
      names = "--own-asn",
      defaultValue = "64500",
      description = "The operator's AS in the generated traffic (default: ${DEFAULT-VALUE}).")
  long ownAsn;

  @Option(
      names = "--routers",
      defaultValue = "3",
      description = "Routers (label edge1..N) (default: ${DEFAULT-VALUE}).")
  int routers;

  @Option(
      names = "--zero-as-share",
      defaultValue = "0.1",
      description = "Share of records with AS 0, for AS-from-IP (default: ${DEFAULT-VALUE}).")
  double zeroAsShare;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions if the topic has to be created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    // Every flag checked before anything is created on the broker.
    if (rate < 1) {
      throw bad("--rate", "must be at least 1");
    }
    if (count < 0) {
      throw bad("--count", "must be 0 (no end) or more");
    }
    if (routers < 1) {
      throw bad("--routers", "must be at least 1");
    }
    if (partitions < 1) {
      throw bad("--partitions", "must be at least 1");
    }
    if (!(zeroAsShare >= 0 && zeroAsShare <= 1)) {
      throw bad("--zero-as-share", zeroAsShare + " is not a share between 0 and 1");
    }
    if (ownAsn < 1 || ownAsn > 4_294_967_295L) {
      throw bad("--own-asn", ownAsn + " is not an AS number (1..4294967295)");
    }
    FreshTopics.createIfMissing(brokers, topic, partitions);
    FlowGenerator generator =
        new FlowGenerator(
            new FlowGenerator.Options(
                ownAsn, SamplePeers.DEMO_OWN_PREFIX, routers, 0.6, zeroAsShare, 0.2, seed),
            SamplePeers.load());
    AtomicBoolean stop = new AtomicBoolean();
    ShutdownSignals.install(() -> stop.set(true));
    Acks acks = new Acks();
    try (KafkaProducer<String, String> producer = FlowSender.producer(brokers)) {
      FlowSender.send(generator, producer, topic, rate, count, stop, acks);
    }
    System.out.println("Sent " + acks.acknowledged() + " records to " + topic);
    if (acks.failed() > 0) {
      System.err.println(
          "flow-exporter generate: "
              + acks.failed()
              + " records were not written to "
              + topic
              + "; first error: "
              + acks.firstError());
      return 1;
    }
    return 0;
  }

  private ParameterException bad(String flag, String why) {
    return ExporterCommand.badFlag(spec.commandLine(), flag, why);
  }
}
