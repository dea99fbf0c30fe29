package io.flowexporter.app.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka message values that no pmacct writes, one kind after the other, each with the reason of
 * {@code flow_exporter_invalid_records_total} it must be counted under, and the count expected per
 * reason. Written independently of the exporter's parser: the kinds are what a broken producer, a
 * truncating proxy or an attacker could put in the topic.
 *
 * <p>A truncated multi-value message holds complete records before the cut: those come from {@link
 * PmacctRecords}, which counts them as good.
 */
public final class MalformedRecords {

  /** The largest message the exporter reads (FlowParser.MAX_MESSAGE_BYTES). */
  public static final int MAX_MESSAGE_BYTES = 1 << 20;

  /** One kind of malformed message and the reason it is counted under. */
  public record Kind(String name, String reason) {}

  /** Every kind, in the order {@link #next()} cycles through them (the 1 MiB ones excepted). */
  public static final List<Kind> KINDS =
      List.of(
          new Kind("truncated multi-value message", "malformed_json"),
          new Kind("NUL byte inside a string", "malformed_json"),
          new Kind("NUL byte between tokens", "malformed_json"),
          new Kind("arrays nested 5000 deep", "malformed_json"),
          new Kind("integer of 30 digits", "out_of_range"),
          new Kind("number of 2000 digits", "malformed_json"),
          new Kind("float 1e400 as bytes", "wrong_type"),
          new Kind("duplicate bytes key", "duplicate_field"),
          new Kind("non-UTF-8 label", "malformed_json"),
          new Kind("non-UTF-8 in a field nobody reads", "malformed_json"),
          new Kind("bytes as a string", "wrong_type"),
          new Kind("label as a number", "wrong_type"),
          new Kind("a JSON array", "not_an_object"),
          new Kind("no bytes", "missing_bytes"),
          new Kind("negative bytes", "out_of_range"),
          new Kind("unpaired UTF-16 surrogate in the label", "malformed_json"),
          new Kind("router name of 300 characters", "out_of_range"),
          new Kind("empty message", "malformed_json"),
          new Kind("text after the object", "malformed_json"),
          new Kind("line of 1 MiB", "out_of_range"),
          new Kind("message over 1 MiB", "too_large"));

  private static final int ONE_MIB_KINDS = 2; // the last two: sent only when asked for

  private final PmacctRecords good;
  private final Map<String, Long> byReason = new TreeMap<>();
  private final Map<String, Long> byKind = new TreeMap<>();
  private long total;
  private int nextKind;

  /**
   * @param good where the complete records of truncated multi-value messages come from
   */
  public MalformedRecords(PmacctRecords good) {
    this.good = good;
  }

  /** The next malformed message, of the next kind but the 1 MiB ones. */
  public byte[] next() {
    Kind kind = KINDS.get(nextKind);
    nextKind = (nextKind + 1) % (KINDS.size() - ONE_MIB_KINDS);
    return of(kind);
  }

  /** A malformed message of the kind named. */
  public byte[] of(Kind kind) {
    byReason.merge(kind.reason(), 1L, Long::sum);
    byKind.merge(kind.name(), 1L, Long::sum);
    total++;
    String record =
        "{\"event_type\": \"purge\", \"label\": \"edge1\", \"as_src\": 15169, \"as_dst\": 64500";
    return switch (kind.name()) {
      case "truncated multi-value message" -> {
        // two complete records, counted as good, and the start of a third
        yield utf8(
            good.record()
                + "\n"
                + good.record()
                + "\n"
                + record
                + ", \"bytes\": 10, \"writer_id\": \"default_ka");
      }
      case "NUL byte inside a string" ->
          bytes(record + ", \"bytes\": 10, \"writer_id\": \"a", new byte[] {0}, "b\"}");
      case "NUL byte between tokens" -> bytes(record + ", \"bytes\": 10", new byte[] {0}, "}");
      case "arrays nested 5000 deep" ->
          utf8(record + ", \"bytes\": 10, \"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}");
      case "integer of 30 digits" -> utf8(record + ", \"bytes\": 123456789012345678901234567890}");
      case "number of 2000 digits" -> utf8(record + ", \"bytes\": 1" + "0".repeat(1999) + "}");
      case "float 1e400 as bytes" -> utf8(record + ", \"bytes\": 1e400}");
      case "duplicate bytes key" ->
          utf8(record + ", \"bytes\": 10, \"packets\": 1, \"bytes\": 20}");
      case "non-UTF-8 label" ->
          bytes("{\"label\": \"edge", new byte[] {(byte) 0xff, (byte) 0xc3}, "\", \"bytes\": 10}");
      case "non-UTF-8 in a field nobody reads" ->
          bytes(
              record + ", \"bytes\": 10, \"writer_id\": \"", new byte[] {(byte) 0xc3, 0x28}, "\"}");
      case "bytes as a string" -> utf8(record + ", \"bytes\": \"10\"}");
      case "label as a number" ->
          utf8("{\"label\": 7, \"as_src\": 15169, \"as_dst\": 64500, \"bytes\": 10}");
      case "a JSON array" -> utf8("[" + record + ", \"bytes\": 10}]");
      case "no bytes" -> utf8(record + ", \"packets\": 3}");
      case "negative bytes" -> utf8(record + ", \"bytes\": -10}");
      case "unpaired UTF-16 surrogate in the label" ->
          utf8("{\"label\": \"edge\\ud800\", \"as_src\": 15169, \"as_dst\": 64500, \"bytes\": 10}");
      case "router name of 300 characters" ->
          utf8(
              "{\"label\": \""
                  + "r".repeat(300)
                  + "\", \"as_src\": 15169, \"as_dst\": 64500, \"bytes\": 10}");
      case "empty message" -> new byte[0];
      case "text after the object" -> utf8(record + ", \"bytes\": 10} {\"bytes\": 10}");
      case "line of 1 MiB" ->
          padded(
              "{\"as_src\": 15169, \"as_dst\": 64500, \"bytes\": 10, \"label\": \"",
              "\"}",
              MAX_MESSAGE_BYTES);
      case "message over 1 MiB" ->
          padded(record + ", \"bytes\": 10, \"writer_id\": \"", "\"}", MAX_MESSAGE_BYTES + 1);
      default -> throw new IllegalArgumentException(kind.name());
    };
  }

  /** Messages sent, by the reason they must be counted under. */
  public Map<String, Long> byReason() {
    return byReason;
  }

  /** Messages sent, by kind. */
  public Map<String, Long> byKind() {
    return byKind;
  }

  /** Malformed messages sent. */
  public long total() {
    return total;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(before));
    out.writeBytes(middle);
    out.writeBytes(utf8(after));
    return out.toByteArray();
  }

  /** {@code before}, then 'x' up to {@code size} bytes in all, then {@code after}. */
  private static byte[] padded(String before, String after, int size) {
    return utf8(before + "x".repeat(size - before.length() - after.length()) + after);
  }
}
