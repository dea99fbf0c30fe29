package io.flowexporter.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexporter.topology.aggregate.Totals;
import io.flowexporter.topology.series.SeriesKey;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** What the topology tests share: pmacct records, a driver, the documented batch format. */
public final class TestFlows {

  public static final String TOPIC = "pmacct.flows";
  public static final String APP_ID = "test";

  /** The repartition topic between the stages, as Kafka Streams names it under {@link #APP_ID}. */
  public static final String REPARTITION = APP_ID + "-" + FlowTopology.DELTAS + "-repartition";

  /** The owner store's changelog topic under {@link #APP_ID}. */
  public static final String CHANGELOG = APP_ID + "-" + FlowTopology.STORE + "-changelog";

  /** The driver's wall clock at start: fixed, so expiry tests can count from it. */
  public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private TestFlows() {}

  /** One pmacct record, as pmacct's Kafka plugin writes it. */
  public static String record(String label, long src, long dst, long bytes, long packets) {
    return "{\"event_type\": \"purge\", \"label\": \""
        + label
        + "\", \"as_src\": "
        + src
        + ", \"as_dst\": "
        + dst
        + ", \"peer_ip_src\": \"10.0.0.1\", \"ip_src\": \"8.8.8.8\", \"ip_dst\": \"192.0.2.1\", \"packets\": "
        + packets
        + ", \"bytes\": "
        + bytes
        + "}";
  }

  public static TopologyTestDriver driver(Topology topology, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new TopologyTestDriver(topology, props, START);
  }

  public static TestInputTopic<String, String> input(TopologyTestDriver driver) {
    return driver.createInputTopic(TOPIC, new StringSerializer(), new StringSerializer());
  }

  /**
   * The repartition format as DeltaBatch's Javadoc documents it, decoded here rather than by the
   * production decoder: a format byte (2), then per series a 2-byte key length, the key, and bytes,
   * packets, flows as 8-byte big-endian numbers.
   */
  public static Map<SeriesKey, Totals> decodeBatch(byte[] value) {
    ByteBuffer in = ByteBuffer.wrap(value);
    assertThat(in.get()).as("format byte").isEqualTo((byte) 2);
    Map<SeriesKey, Totals> entries = new HashMap<>();
    while (in.hasRemaining()) {
      byte[] key = new byte[in.getShort() & 0xffff];
      in.get(key);
      Totals previous =
          entries.put(SeriesKey.wrap(key), new Totals(in.getLong(), in.getLong(), in.getLong()));
      assertThat(previous).as("a series twice in one batch").isNull();
    }
    return entries;
  }

  /** The owner slot a batch key names: 2 bytes big-endian. */
  public static int slotOf(byte[] batchKey) {
    assertThat(batchKey).hasSize(2);
    return ((batchKey[0] & 0xff) << 8) | (batchKey[1] & 0xff);
  }

  public static Totals sum(Totals a, Totals b) {
    return new Totals(a.bytes() + b.bytes(), a.packets() + b.packets(), a.flows() + b.flows());
  }

  /** The sum of every series' totals: what must equal the input whatever the bound does. */
  public static Totals grandTotal(Map<SeriesKey, Totals> series) {
    return series.values().stream().reduce(new Totals(0, 0, 0), TestFlows::sum);
  }
}
