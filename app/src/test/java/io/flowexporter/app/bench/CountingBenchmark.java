package io.flowexporter.app.bench;

import io.flowexporter.generator.FlowGenerator;
import io.flowexporter.topology.aggregate.BenchStores;
import io.flowexporter.topology.aggregate.CommittedTotals;
import io.flowexporter.topology.aggregate.RecordOutcomes;
import io.flowexporter.topology.flow.FlowParser;
import io.flowexporter.topology.flow.FlowRecord;
import io.flowexporter.topology.flow.InvalidReason;
import io.flowexporter.topology.flow.ParseListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH microbenchmarks of the exporter's own per-record code, without Kafka: the parser alone, and
 * the first stage as a stream task runs it (the real {@code FlowCountingProcessor}: parse,
 * classify, count into the pending sums, and a commit into an owner store every {@value
 * #COMMIT_EVERY} records). The records are {@code bench/run}'s ({@link BenchData}: nfacctd's JSON
 * shape, 5,000 peer ASes, 4 routers, 40,000 series). Run by {@code bench/jmh}; never by {@code mvn
 * verify}.
 *
 * <p>An operation is one message of {@code lines} records: with more than one, divide the score by
 * {@code lines} for a record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xmx2g", "-XX:FreqInlineSize=100", "-XX:InlineSmallCode=1000"})
public class CountingBenchmark {

  /** Records between two commits: a stream task's share of about a second of a backlog. */
  static final int COMMIT_EVERY = 100_000;

  /** Records cycled through: more than a commit's, so that every series is met between two. */
  static final int RECORDS = 400_000;

  /** Records per message: 1 as pmacct writes them by default, more with kafka_multi_values. */
  @Param({"1"})
  public int lines;

  private byte[][] messages;
  private int next;
  private int sinceCommit;
  private FlowParser parser;
  private BenchStores.Stage1 stage1;
  private CommittedTotals committed;

  @Setup(Level.Trial)
  public void setUp() {
    FlowGenerator generator = BenchData.generator(5000, 4, 7);
    messages = new byte[RECORDS / lines][];
    for (int i = 0; i < messages.length; i++) {
      List<String> records = new ArrayList<>(lines);
      for (int k = 0; k < lines; k++) {
        records.add(generator.next());
      }
      messages[i] = BenchData.message(records).getBytes(StandardCharsets.UTF_8);
    }
    parser = new FlowParser();
    committed = new CommittedTotals();
    stage1 =
        BenchStores.stage1(
            new FlowParser(),
            BenchData.classifier(),
            new RecordOutcomes(),
            BenchStores.activeStore(committed));
  }

  private byte[] nextMessage() {
    byte[] m = messages[next];
    next = next + 1 == messages.length ? 0 : next + 1;
    return m;
  }

  /** The parser alone: each record's byte count to the black hole. */
  @Benchmark
  public void parse(Blackhole bh) {
    parser.parse(
        nextMessage(),
        new ParseListener() {
          @Override
          public void record(FlowRecord r) {
            bh.consume(r.bytes());
          }

          @Override
          public void marker() {}

          @Override
          public void invalid(InvalidReason reason, String sample) {
            throw new IllegalStateException(reason + ": " + sample);
          }
        });
  }

  /** The first stage of counting, its commits included. */
  @Benchmark
  public void count() {
    stage1.process(nextMessage());
    sinceCommit += lines;
    if (sinceCommit >= COMMIT_EVERY) {
      stage1.commit(committed);
      sinceCommit = 0;
    }
  }
}
