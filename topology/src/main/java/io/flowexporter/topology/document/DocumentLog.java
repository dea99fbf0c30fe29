package io.flowexporter.topology.document;

/**
 * Where flow documents go besides Kafka: a file, one document per line. Shared by every stream task
 * of the process, so implementations are thread-safe.
 */
public interface DocumentLog extends AutoCloseable {

  /** Appends one document (without a line end); it may stay buffered until {@link #flush()}. */
  void append(byte[] document);

  /**
   * Hands everything appended so far to the operating system. Called by each task before it commits
   * its input offsets, so that what a commit covers survives a kill of the process.
   *
   * @throws java.io.UncheckedIOException when the file cannot be written: the commit must fail
   */
  void flush();

  @Override
  void close();
}
