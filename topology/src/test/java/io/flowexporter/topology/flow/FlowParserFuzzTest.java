package io.flowexporter.topology.flow;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexporter.asndb.AsnLookup;
import io.flowexporter.topology.document.EcsDocuments;
import io.flowexporter.topology.enrich.AsnFromIp;
import io.flowexporter.topology.enrich.Direction;
import io.flowexporter.topology.enrich.FlowClassifier;
import io.flowexporter.topology.series.CountedFlow;
import java.io.IOException;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link FlowParser} with Jazzer: whatever bytes a Kafka message holds,
 * each of its non-blank lines is either a record within the parser's bounds, a marker, or counted
 * invalid with a reason; no exception escapes and nothing hangs; the lines the flat reader takes
 * read as Jackson reads them; and each record's flow document (as the flow log, the documents topic
 * and the flow API write it) is one line of JSON within its bound.
 *
 * <p>Under {@code mvn verify} (regression mode) this replays the committed inputs in {@code
 * src/test/resources/io/flowexporter/topology/flow/FlowParserFuzzTestInputs/parse/}: the seeds and
 * every input a fuzzing run has found to fail. {@code bench/fuzz} fuzzes it ({@code
 * JAZZER_FUZZ=1}); see docs/testing.md.
 */
class FlowParserFuzzTest {

  private static final FlowParser PARSER = new FlowParser();
  private static final FlowParser JACKSON_ONLY = new FlowParser(false);
  private static final FlowClassifier CLASSIFIER =
      new FlowClassifier(List.of(64500L), AsnFromIp.NEVER, 1, AsnLookup.EMPTY);
  private static final EcsDocuments DOCUMENTS = new EcsDocuments(AsnLookup.EMPTY, CLASSIFIER);
  private static final CountedFlow FLOW = new CountedFlow(CLASSIFIER);
  private static final ObjectMapper JSON = new ObjectMapper();

  // Plain checks rather than AssertJ's: this runs millions of times when fuzzing.
  @FuzzTest(maxDuration = "10m")
  void parse(byte[] message) {
    int[] outcomes = new int[1];
    PARSER.parse(
        message,
        new ParseListener() {
          @Override
          public void record(FlowRecord r, int start, int end, int line) {
            record(r);
            check(start >= 0 && start <= end && end <= message.length, "line bounds", r);
            checkDocument(r, message, start, end);
          }

          @Override
          public void record(FlowRecord r) {
            check(r.bytes() >= 0 && r.bytes() <= FlowParser.MAX_BYTES, "bytes", r);
            check(r.packets() >= 0 && r.packets() <= FlowParser.MAX_PACKETS, "packets", r);
            check(
                r.samplingRate() >= 0 && r.samplingRate() <= FlowParser.MAX_SAMPLING_RATE,
                "sampling rate",
                r);
            check(r.asSrc() >= 0 && r.asSrc() <= AsnLookup.MAX_ASN, "as_src", r);
            check(r.asDst() >= 0 && r.asDst() <= AsnLookup.MAX_ASN, "as_dst", r);
            check(
                r.hostname() != null && r.hostname().length() <= FlowParser.MAX_HOSTNAME_CHARS,
                "hostname",
                r);
            check(!FlowParser.hasUnpairedSurrogate(r.hostname()), "hostname's UTF-16", r);
            outcomes[0]++;
          }

          @Override
          public void marker() {
            outcomes[0]++;
          }

          @Override
          public void invalid(InvalidReason reason, String sample) {
            check(reason != null, "a reason", sample);
            check(sample != null && sample.length() <= 210, "a short sample", sample);
            outcomes[0]++;
          }
        });
    int expected = expectedOutcomes(message);
    if (outcomes[0] != expected) {
      throw new AssertionError(outcomes[0] + " outcomes for " + expected + " non-blank lines");
    }
    // The flat reader takes a line only when it reads it as Jackson does.
    List<String> flat = Outcomes.of(PARSER, message);
    List<String> jackson = Outcomes.of(JACKSON_ONLY, message);
    if (!flat.equals(jackson)) {
      throw new AssertionError("flat reader " + flat + " but Jackson " + jackson);
    }
  }

  /** The document of {@code r} as a receive flow, the way the counting writes it. */
  private static void checkDocument(FlowRecord r, byte[] message, int start, int end) {
    long bytes;
    long packets;
    try {
      bytes = CLASSIFIER.sampledBytes(r);
      packets = CLASSIFIER.sampledPackets(r);
    } catch (ArithmeticException e) {
      return; // counted invalid (out of range) before any document is written
    }
    FLOW.set(r, Direction.RECEIVE, r.asSrc(), 64500);
    byte[] doc =
        DOCUMENTS.document(FLOW, bytes, packets, message, start, end, "t:0:0:" + start, 1L);
    check(doc.length <= EcsDocuments.MAX_DOCUMENT_BYTES, "document size " + doc.length, r);
    for (byte b : doc) {
      check(b != '\n', "a newline in the document", r);
    }
    try {
      check(JSON.readTree(doc).isObject(), "a JSON object", r);
    } catch (IOException e) {
      throw new AssertionError("document is not JSON: " + e.getMessage() + " for " + r, e);
    }
  }

  private static void check(boolean ok, String what, Object about) {
    if (!ok) {
      throw new AssertionError("unexpected " + what + " in " + about);
    }
  }

  /** One outcome per non-blank line; one for an empty or oversized message. */
  private static int expectedOutcomes(byte[] message) {
    if (message.length == 0 || message.length > FlowParser.MAX_MESSAGE_BYTES) {
      return 1;
    }
    int lines = 0;
    boolean blank = true;
    for (int i = 0; i <= message.length; i++) {
      if (i == message.length || message[i] == '\n') {
        lines += blank ? 0 : 1;
        blank = true;
      } else if (message[i] != ' ' && message[i] != '\t' && message[i] != '\r') {
        blank = false;
      }
    }
    return lines;
  }
}
