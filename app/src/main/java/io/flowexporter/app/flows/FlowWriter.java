package io.flowexporter.app.flows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.http.QuotedQualityCSV;

/**
 * Writes a scan's answer as it comes: one JSON document per flow, then the {@link ScanEnd}, and
 * pushes every batch to the client ({@link #flush}). Counts the bytes it wrote, so that the scan
 * can stop at its byte cap. An {@link IOException} means the client went away.
 *
 * <p>{@link #ndjson}: one document per line ({@code application/x-ndjson}). {@link #sse}: each
 * document as the {@code data} of a server-sent event of type {@code flow}, the end as an event of
 * type {@code end}. While nothing matches, {@link #keepAlive} sends a byte that every reader skips
 * (a space before the next JSON text, an SSE comment), so that a closed connection is noticed
 * within a second. Not thread-safe: one per request.
 */
public abstract class FlowWriter {

  private final OutputStream out;
  private long bytes;

  private FlowWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * The writer a request's {@code Accept} header prefers: server-sent events when it names {@code
   * text/event-stream} ahead of anything NDJSON satisfies ({@code application/x-ndjson}, {@code
   * application/*}, {@code *}{@code /*}), by quality and then by specificity; NDJSON otherwise,
   * with no header, and when {@code text/event-stream} is refused ({@code q=0}).
   */
  public static FlowWriter forAccept(String accept, OutputStream out) {
    if (accept == null) {
      return ndjson(out);
    }
    QuotedQualityCSV ranges = new QuotedQualityCSV(QuotedQualityCSV.MOST_SPECIFIC_MIME_ORDERING);
    ranges.addValue(accept); // sorted by quality, most specific first; q=0 left out
    for (String range : ranges.getValues()) {
      int parameters = range.indexOf(';');
      String type =
          (parameters < 0 ? range : range.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
      switch (type) {
        case "text/event-stream":
          return sse(out);
        case "application/x-ndjson", "application/*", "*/*":
          return ndjson(out);
        default:
          // Something this API does not write (text/html from a browser): the next range decides.
      }
    }
    return ndjson(out);
  }

  public static FlowWriter ndjson(OutputStream out) {
    return new FlowWriter(out) {
      @Override
      public String contentType() {
        return "application/x-ndjson";
      }

      @Override
      public void flow(byte[] document) throws IOException {
        write(document);
        write(NEWLINE);
      }

      @Override
      public void end(ScanEnd end) throws IOException {
        write(end.json());
        write(NEWLINE);
        flush();
      }

      @Override
      public void keepAlive() throws IOException {
        // JSON allows white space before a value: the next line is still one JSON text.
        write(SPACE);
        flush();
      }
    };
  }

  public static FlowWriter sse(OutputStream out) {
    return new FlowWriter(out) {
      @Override
      public String contentType() {
        return "text/event-stream";
      }

      @Override
      public void flow(byte[] document) throws IOException {
        write(SSE_FLOW);
        write(document);
        write(SSE_END_OF_EVENT);
      }

      @Override
      public void end(ScanEnd end) throws IOException {
        write(SSE_END);
        write(end.json());
        write(SSE_END_OF_EVENT);
        flush();
      }

      @Override
      public void keepAlive() throws IOException {
        write(SSE_COMMENT);
        flush();
      }
    };
  }

  private static final byte[] NEWLINE = {'\n'};
  private static final byte[] SPACE = {' '};
  private static final byte[] SSE_FLOW = "event: flow\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_END = "event: end\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_COMMENT = ":\n".getBytes(StandardCharsets.US_ASCII);

  /** The Content-Type of the answer. */
  public abstract String contentType();

  /** One flow's document (a JSON object on one line). */
  public abstract void flow(byte[] document) throws IOException;

  /** The last line; flushed. */
  public abstract void end(ScanEnd end) throws IOException;

  /** A byte that readers skip, flushed: fails once the client has gone. */
  public abstract void keepAlive() throws IOException;

  /** Sends what was written. */
  public void flush() throws IOException {
    out.flush();
  }

  /** Bytes written so far. */
  public long bytes() {
    return bytes;
  }

  void write(byte[] b) throws IOException {
    out.write(b);
    bytes += b.length;
  }
}
