package io.flowexporter.app.documents;

import ch.qos.logback.core.ContextBase;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.FileSize;
import io.flowexporter.topology.document.DocumentLog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The flow log ({@code --flow-log}): one JSON document per line, rotated by size with Logback's
 * rolling file appender. Past {@code maxSize} the file becomes {@code FILE.1.gz} (older ones shift
 * to {@code .2.gz} ... {@code .N.gz}, the oldest is deleted); compression runs on the writing
 * thread during the rotation, and only whole archives are kept ({@link GzipRotation}). The size is
 * checked every 100 ms, so a file ends a little past it.
 *
 * <p>Writes are buffered; {@link #flush()} hands them to the operating system, so what was flushed
 * survives a kill of the process (not a crash of the host: there is no fsync). A write error (disk
 * full, file removed under a read-only directory) fails the next flush, and so the commit it
 * precedes, instead of losing documents quietly.
 *
 * <p>Thread-safe: every stream thread appends to the one file; a lock keeps lines whole. One
 * process per file: {@code FILE.lock} is held while it is open. A file removed or moved away from
 * outside is opened anew at the next flush.
 */
public final class RollingDocumentLog implements DocumentLog {

  private static final byte[] NEWLINE = {'\n'};

  private final ContextBase context = new ContextBase();
  private final Path file;

  /** The file the appender writes to, as the file system names it (device and inode). */
  private volatile Object openedKey;

  private final RollingFileAppender<byte[]> appender =
      new RollingFileAppender<>() {
        @Override
        public void rollover() {
          super.rollover();
          openedKey = keyOf(file); // the new file this rotation opened
        }
      };

  /** Held while the file is open: one writer per file, also across processes. */
  private FileChannel lockChannel;

  private Path lockPath;

  /** The lock files this process holds. */
  private static final java.util.Set<Path> LOCKED_HERE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Errors Logback reported; a listener, as its status list keeps only the first and last few. */
  private final AtomicInteger errors = new AtomicInteger();

  private volatile Status lastError;

  /** {@link #errors} when the file was last (re)opened; guarded by this. */
  private int errorsHandled;

  /** How often the file was reopened after a failure; guarded by this. */
  private int reopenings;

  /**
   * The reopenings each stream thread has answered for. Every thread's documents share the file, so
   * a failure must fail the next commit of every thread that may have written since, not only of
   * the first to flush: Logback reports the first failed write and drops what follows, and a
   * reopening drops what the stream held.
   */
  // A thread first seen now (a stream thread, or one replacing a failed one) has written nothing
  // before: it starts at the reopenings so far, not at 0, or its first commit would fail for a
  // failure that was never its own. Read under this (append and flush are synchronized).
  private final ThreadLocal<int[]> reopeningsSeen =
      ThreadLocal.withInitial(() -> new int[] {reopenings});

  private GzipRotation rolling;
  private SizeBasedTriggeringPolicy<byte[]> trigger;

  private RollingDocumentLog(Path file) {
    this.file = file;
  }

  /**
   * Opens (appends to) the file.
   *
   * @throws IOException when the file or its rotated names cannot be used
   */
  public static RollingDocumentLog open(Path file, long maxSize, int maxFiles) throws IOException {
    RollingDocumentLog log = new RollingDocumentLog(file);
    log.lock();
    try {
      endPartialLastLine(file);
      log.start(maxSize, maxFiles);
    } catch (IOException | RuntimeException e) {
      log.unlock();
      throw e;
    }
    return log;
  }

  /**
   * Takes {@code FILE.lock}: two processes appending to one file would cut each other's lines, and
   * each one's rotation would leave the other writing to a removed file.
   */
  private void lock() throws IOException {
    Path lockFile = file.toAbsolutePath().normalize().resolveSibling(file.getFileName() + ".lock");
    String taken =
        file
            + ": another flow-exporter writes to it ("
            + lockFile
            + " is locked); give each instance a flow log of its own";
    // In this process, checked before a second channel is opened: closing any channel on the file
    // would release the process's lock (POSIX locks belong to the process, not the channel).
    if (!LOCKED_HERE.add(lockFile)) {
      throw new IOException(taken);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (channel.tryLock() == null) {
        throw new IOException(taken);
      }
      lockChannel = channel;
      lockPath = lockFile;
    } catch (IOException | RuntimeException e) {
      LOCKED_HERE.remove(lockFile);
      if (channel != null) {
        channel.close();
      }
      throw e;
    }
  }

  private void unlock() {
    try {
      lockChannel.close(); // releases the lock
    } catch (IOException e) {
      // closing a lock file: nothing to do
    } finally {
      LOCKED_HERE.remove(lockPath);
    }
  }

  private static Object keyOf(Path file) {
    try {
      return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class)
          .fileKey();
    } catch (IOException e) {
      return null; // gone
    }
  }

  private void start(long maxSize, int maxFiles) throws IOException {
    context.setName("flow-log");
    context
        .getStatusManager()
        .add(
            (ch.qos.logback.core.status.StatusListener)
                status -> {
                  if (status.getLevel() == Status.ERROR) {
                    lastError = status;
                    errors.incrementAndGet();
                  }
                });
    appender.setContext(context);
    appender.setName("flow-log");
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setImmediateFlush(false);
    appender.setBufferSize(new FileSize(64 * 1024));
    rolling = new GzipRotation(file);
    rolling.removeUnfinishedArchive();
    rolling.setContext(context);
    rolling.setParent(appender);
    rolling.setFileNamePattern(file + ".%i.gz");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(maxFiles);
    rolling.start();
    trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(context);
    trigger.setMaxFileSize(new FileSize(maxSize));
    // The size is looked at (one stat) at most this often; Logback's default, 60 s, would let a
    // busy log grow far past its size between two looks.
    trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(100));
    trigger.start();
    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    LineEncoder encoder = new LineEncoder();
    encoder.setContext(context);
    encoder.start();
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted() || errors.get() > 0) {
      appender.stop();
      throw new IOException(
          file + ": " + (lastError == null ? "cannot be opened" : describe(lastError)));
    }
    openedKey = keyOf(file);
  }

  /**
   * A document is handed to the file in one write, so a kill leaves whole lines; should a write
   * have been cut short all the same, the part is ended with a line end before anything else is
   * appended: one line that is not JSON (Filebeat drops it: it has no `event.id` to make an id of),
   * rather than a new document glued to it, and the record is written again whole as its offset was
   * not committed. Only appended to, never truncated, so a reader that follows the file is never
   * confused.
   */
  static void endPartialLastLine(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size == 0) {
        return;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, size - 1);
      if (last.get(0) != '\n') {
        ch.write(ByteBuffer.wrap(NEWLINE), size);
      }
    }
  }

  @Override
  public synchronized void append(byte[] document) {
    reopeningsSeen.get(); // this thread's documents count from here
    appender.doAppend(document);
  }

  /**
   * {@inheritDoc}
   *
   * <p>After a write error Logback stops the appender and drops what follows; so a failed flush
   * also reopens the file for the next attempt, and the documents since the last good flush are
   * written again when their records are counted again.
   */
  @Override
  public synchronized void flush() {
    String problem = null;
    OutputStream out = appender.getOutputStream();
    if (!appender.isStarted()) {
      problem = "not open";
    } else if (out != null) {
      try {
        out.flush();
      } catch (IOException e) {
        problem = e.getMessage();
      }
    }
    if (problem == null && errors.get() > errorsHandled) {
      problem = lastError == null ? "a write failed" : describe(lastError);
    }
    if (problem == null && !java.util.Objects.equals(openedKey, keyOf(file))) {
      // Removed or moved away from outside (rm to free the disk, a logrotate rule): the appender
      // would write on to a file nobody sees, and its size check looks at the new one. What was
      // flushed went there; the file is opened anew under its name, nothing fails unless it
      // cannot be opened (then this flush fails with the reason, as documents would be lost).
      problem = reopen();
    } else if (problem != null) {
      String again = reopen();
      if (again != null) {
        problem += "; " + again;
      }
    }
    if (problem != null) {
      errorsHandled = errors.get();
      reopenings++;
    }
    int[] seen = reopeningsSeen.get();
    if (problem == null && seen[0] != reopenings) {
      problem = "reopened after a failure, documents of this thread may be missing";
    }
    seen[0] = reopenings;
    if (problem != null) {
      throw new UncheckedIOException(new IOException(file + ": " + problem));
    }
  }

  /**
   * Opens the file anew. Stopping the appender stops its policies too, and it will not start
   * without them.
   *
   * @return why the file could not be opened, or null when it is open
   */
  private String reopen() {
    appender.stop();
    try {
      // A write cut short (disk full) may have left part of a line: ended, so that the next
      // document starts a line of its own.
      endPartialLastLine(file);
    } catch (IOException | RuntimeException e) {
      // Still failing: the open below says so.
    }
    forgetFileNames();
    int errorsBefore = errors.get();
    rolling.start();
    trigger.start();
    appender.start();
    openedKey = keyOf(file);
    if (appender.isStarted()) {
      return null;
    }
    return "cannot be opened again"
        + (errors.get() > errorsBefore && lastError != null
            ? " (" + describe(lastError) + ")"
            : "");
  }

  /**
   * Logback remembers the file of each appender that starts, to refuse a second appender on it, and
   * forgets it only when a started appender stops: after a start that failed (the file could not be
   * opened), every later start would be refused as colliding with itself. This log's context holds
   * its one appender, so no collision is real.
   */
  private void forgetFileNames() {
    for (String names :
        List.of(
            CoreConstants.FA_FILENAME_COLLISION_MAP,
            CoreConstants.RFA_FILENAME_PATTERN_COLLISION_MAP)) {
      if (context.getObject(names) instanceof Map<?, ?> map) {
        map.clear();
      }
    }
  }

  @Override
  public synchronized void close() {
    appender.stop();
    unlock();
  }

  private static String describe(Status error) {
    return error.getMessage()
        + (error.getThrowable() != null ? " (" + error.getThrowable().getMessage() + ")" : "");
  }

  /** A document, then a line end; no header or footer. */
  private static final class LineEncoder extends EncoderBase<byte[]> {
    @Override
    public byte[] headerBytes() {
      return null;
    }

    @Override
    public byte[] encode(byte[] document) {
      byte[] line = Arrays.copyOf(document, document.length + 1);
      line[document.length] = NEWLINE[0];
      return line;
    }

    @Override
    public byte[] footerBytes() {
      return null;
    }
  }
}
