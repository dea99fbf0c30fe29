package io.flowexporter.app.kafka;

import io.flowexporter.app.config.KafkaConfig;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties for a {@link KafkaConfig}. */
public final class StreamsProperties {

  private StreamsProperties() {}

  /**
   * Precedence, lowest first: flow-exporter's defaults, then the user's client properties ({@code
   * --kafka-config}, {@code --kafka-property}), then the dedicated flags.
   */
  public static Properties of(KafkaConfig kafka) {
    Properties p = new Properties();
    // A broker that is down is retried quietly and for long: the stream waits rather than dies.
    p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
    // Unprefixed, so that the same unprefixed key from the user wins (a "consumer." key would
    // override the user's plain one). Polls of 500 messages and 500 buffered per partition: as
    // fast as 2,000 and 1,000 with one record a message, and with pmacct's kafka_multi_values
    // (40 records a message) a backlog counted at 53-56% of a plain consumer's rate instead of
    // 43-47%, as less of it outlives the young generation (docs/performance.md, "Poll size").
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    p.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, "500");
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    // The restore consumer reads a changelog up to its end: waiting there for 64 KiB that do not
    // come costs each restoring task a fetch.max.wait.ms at start. And while its fetch waits on
    // the broker, the next task's request for where its changelog begins waits behind it on the
    // same connection: a thread's second store was ready 0.1-0.2 s later with 200 ms. It also
    // keeps standby copies up to date, asking an idle changelog every 50 ms: two idle instances
    // with standbys used 5.2-5.9% of a core each, against 5.6-5.9% with 200 ms: within the runs'
    // spread (docs/performance.md, "Start-up").
    p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), "1");
    p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "50");
    // A member learns of a rebalance at its next heartbeat: with two stream threads the first had
    // its tasks before the second joined, and waited up to Kafka's 3 s to hand half of them over
    // (starts of 5-6 s instead of 3). A heartbeat a second is a small request to the coordinator.
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    // Counting is a sum, so the order between partitions does not matter: no task waits for an
    // empty partition. Kafka's default (0) also checks every partition's queue and lag before
    // each record, allocating as it does (5% of the stream thread's time in a profile).
    p.put(
        StreamsConfig.MAX_TASK_IDLE_MS_CONFIG,
        Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
    // No JMX reporter: each client would register an MBean per metric group, about 0.2 s of a
    // start on 2 cores (docs/performance.md, "Start-up"), and every flow API scan's consumer would
    // pay for it again. The exporter reads Kafka's metrics in process for /metrics; an operator who
    // wants them over JMX sets metric.reporters=org.apache.kafka.common.metrics.JmxReporter.
    p.put(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, "");
    p.putAll(kafka.clientProperties());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.brokers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, kafka.stateDir().toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, kafka.processingGuarantee().configValue());
    p.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(kafka.commitInterval().toMillis()));
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.toString(kafka.standbyReplicas()));
    // auto: one until the input topic's partitions are known (StreamPreflight sets it).
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(kafka.streamThreadsFor(1)));
    // Always the earliest: a partition without a committed offset is either one added to the topic
    // later, whose records must all count, or one of a group's first start (or first start on a new
    // --topic), where FirstStartOffsets has committed the ends unless --from-beginning asked for
    // the whole topic, or one whose offsets were lost on a later start, to be read whole.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // A "main.consumer." key would win over it in Kafka Streams: not given to the stream.
    p.remove(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
    return p;
  }
}
