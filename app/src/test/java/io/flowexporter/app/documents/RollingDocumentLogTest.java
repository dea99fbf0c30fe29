package io.flowexporter.app.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollingDocumentLogTest {

  @TempDir Path dir;

  /** A second writer, as a second stream thread would be. */
  private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

  private static byte[] doc(int i) {
    return ("{\"event\":{\"id\":\"t:0:" + i + ":0\"},\"pad\":\"" + "x".repeat(200) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void flushedDocumentsAreInTheFileOnePerLine() throws Exception {
    Path file = dir.resolve("flows.json");
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 1024 * 1024, 3)) {
      log.append(doc(1));
      log.append(doc(2));
      log.flush();
      // Flushed: in the file while the log is still open, as a killed process would leave it.
      List<String> lines = Files.readAllLines(file);
      assertThat(lines)
          .containsExactly(
              new String(doc(1), StandardCharsets.UTF_8),
              new String(doc(2), StandardCharsets.UTF_8));
    }
  }

  @Test
  void oneWriterPerFile() throws Exception {
    Path file = dir.resolve("flows.json");
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 1024 * 1024, 3)) {
      assertThatThrownBy(() -> RollingDocumentLog.open(file, 1024 * 1024, 3))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("another flow-exporter writes to it");
      log.append(doc(1));
      log.flush();
    }
    // Closed, the file is free again.
    RollingDocumentLog.open(file, 1024 * 1024, 3).close();
  }

  @Test
  void aFileRemovedOrMovedAwayIsOpenedAnewUnderItsName() throws Exception {
    Path file = dir.resolve("flows.json");
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 1024 * 1024, 3)) {
      log.append(doc(1));
      log.flush();
      Files.move(file, dir.resolve("flows.json.moved")); // logrotate without copytruncate
      log.append(doc(2));
      log.flush(); // still to the moved file; the name is opened anew
      log.append(doc(3));
      log.flush();
      assertThat(Files.readAllLines(file))
          .containsExactly(new String(doc(3), StandardCharsets.UTF_8));
      Files.delete(file); // rm to free the disk
      log.flush();
      log.append(doc(4));
      log.flush();
      assertThat(Files.readAllLines(file))
          .containsExactly(new String(doc(4), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aFileThatCannotBeOpenedAnewFailsTheFlushWithWhyAndIsOpenedOnceItCan() throws Exception {
    Path file = dir.resolve("flows.json");
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 1024 * 1024, 3)) {
      log.append(doc(1));
      log.flush();
      Files.delete(file);
      Files.createDirectory(file); // in the way: opening fails, even for root
      assertThatThrownBy(log::flush)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("cannot be opened again");
      log.append(doc(2)); // dropped: its flush fails, and its record is counted again
      assertThatThrownBy(log::flush).isInstanceOf(UncheckedIOException.class);
      Files.delete(file);
      // The way is clear: this flush still fails (documents since the last good one are missing)
      // but opens the file, and the next ones succeed.
      assertThatThrownBy(log::flush).isInstanceOf(UncheckedIOException.class);
      log.append(doc(3));
      log.flush();
      assertThat(Files.readAllLines(file))
          .containsExactly(new String(doc(3), StandardCharsets.UTF_8));
    }
  }

  @Test
  void rotatesBySizeIntoGzipFilesAndKeepsAtMostTheCount() throws Exception {
    Path file = dir.resolve("flows.json");
    int written = 0;
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 4 * 1024, 3)) {
      for (int round = 0; round < 12; round++) {
        for (int i = 0; i < 30; i++) {
          log.append(doc(written++));
        }
        log.flush();
        Thread.sleep(120); // past the size check's interval
      }
    }
    List<String> names = new ArrayList<>();
    try (var files = Files.list(dir)) {
      files.forEach(p -> names.add(p.getFileName().toString()));
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            "flows.json",
            "flows.json.lock",
            "flows.json.1.gz",
            "flows.json.2.gz",
            "flows.json.3.gz");
    List<String> lines = linesOldestFirst(file, 3);
    // The newest documents, in order, each whole; the oldest went with the deleted files.
    int first = written - lines.size();
    assertThat(first).isPositive();
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).isEqualTo(new String(doc(first + i), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aRotationThatCannotBeCompletedKeepsTheFileAndEveryArchiveWhole() throws Exception {
    Path file = dir.resolve("flows.json");
    int written = 0;
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 4 * 1024, 3)) {
      written = writeRounds(log, written, 2); // one rotation: flows.json.1.gz
      assertThat(dir.resolve("flows.json.1.gz")).exists();
      // The archive cannot be written (as on a full disk): the rotation fails as a whole.
      Path blocked = Files.createDirectory(dir.resolve("flows.json.1.gz.part"));
      Files.createFile(blocked.resolve("in-the-way"));
      for (int i = 0; i < 30; i++) {
        log.append(doc(written++)); // past the size: the first one triggers the rotation
      }
      assertThatThrownBy(log::flush)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("could not be rotated");
      // Nothing shifted, nothing deleted: the file still holds what it held.
      assertThat(names()).doesNotContain("flows.json.2.gz");
      assertThat(linesOldestFirst(file, 3)).hasSize(written);
      Files.delete(blocked.resolve("in-the-way"));
      Files.delete(blocked);
      written = writeRounds(log, written, 2);
    }
    // Every archive whole (readable to its end), every document there once, in order.
    assertThat(names()).doesNotContain("flows.json.1.gz.part");
    List<String> lines = linesOldestFirst(file, 3);
    assertThat(lines).hasSize(written);
    for (int i = 0; i < written; i++) {
      assertThat(lines.get(i)).isEqualTo(new String(doc(i), StandardCharsets.UTF_8));
    }
  }

  @Test
  void anArchiveLeftUnfinishedByAKillIsRemovedWhenTheLogIsOpened() throws Exception {
    Path file = dir.resolve("flows.json");
    Files.write(file, List.of(new String(doc(0), StandardCharsets.UTF_8)));
    // What a kill during the compression leaves: the file untouched, a part of an archive.
    Files.write(dir.resolve("flows.json.1.gz.part"), new byte[] {0x1f, (byte) 0x8b, 8, 0});
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 4 * 1024, 3)) {
      assertThat(names()).doesNotContain("flows.json.1.gz.part", "flows.json.1.gz");
      writeRounds(log, 1, 2);
    }
    List<String> lines = linesOldestFirst(file, 3);
    assertThat(lines.get(0)).isEqualTo(new String(doc(0), StandardCharsets.UTF_8));
  }

  /** Rounds of 30 documents, each flushed and followed by a pause past the size check. */
  private static int writeRounds(RollingDocumentLog log, int from, int rounds) throws Exception {
    int written = from;
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < 30; i++) {
        log.append(doc(written++));
      }
      log.flush();
      Thread.sleep(120);
    }
    return written;
  }

  private List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    try (var files = Files.list(dir)) {
      files.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  /**
   * The lines of the archives that exist, oldest first, then the file's; each archive read whole.
   */
  private static List<String> linesOldestFirst(Path file, int maxFiles) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = maxFiles; i >= 1; i--) {
      Path gz = file.resolveSibling(file.getFileName() + "." + i + ".gz");
      if (Files.exists(gz)) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
          lines.addAll(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        }
      }
    }
    if (Files.exists(file)) {
      lines.addAll(Files.readAllLines(file));
    }
    return lines;
  }

  @Test
  void aPartialLastLineIsEndedSoTheNextDocumentStartsOnALineOfItsOwn() throws Exception {
    Path file = dir.resolve("flows.json");
    Files.write(file, "{\"a\":1}\n{\"b\":2}\n{\"c\":".getBytes(StandardCharsets.UTF_8));
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 1024 * 1024, 3)) {
      log.append("{\"c\":3}".getBytes(StandardCharsets.UTF_8));
      log.flush();
    }
    assertThat(Files.readAllLines(file))
        .containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":", "{\"c\":3}");
    // A whole file is left as it is.
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 1024 * 1024, 3)) {
      log.flush();
    }
    assertThat(Files.readAllLines(file)).hasSize(4);
  }

  @Test
  void aFailedWriteFailsTheNextFlushOfEveryThreadThatMayHaveWritten() throws Exception {
    // Linux's /dev/full takes the open and fails every write with "No space left on device".
    Path file = Files.createSymbolicLink(dir.resolve("flows.json"), Path.of("/dev/full"));
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 1024 * 1024, 3)) {
      CompletableFuture<Void> otherAppended =
          CompletableFuture.runAsync(() -> log.append(doc(1)), otherThread);
      otherAppended.get();
      log.append(doc(2));
      assertThatThrownBy(log::flush)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("flows.json");
      // This thread has answered for the failure: nothing of its own is pending.
      log.flush();
      // The other thread's document went with the failed write: its commit must fail too, once.
      CompletableFuture<Void> otherFlush = CompletableFuture.runAsync(log::flush, otherThread);
      assertThatThrownBy(otherFlush::get)
          .hasCauseInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("documents of this thread may be missing");
      CompletableFuture.runAsync(log::flush, otherThread).get();
      // A thread started after the failure (one replacing a failed stream thread) has nothing
      // missing: its commits go through.
      ExecutorService replacement = Executors.newSingleThreadExecutor();
      try {
        CompletableFuture.runAsync(log::flush, replacement).get();
      } finally {
        replacement.shutdown();
      }
      // Room again (the name now leads to a real file): the next failed flush opens it anew, and
      // from then on documents are written.
      Path real = Files.createFile(dir.resolve("real.json"));
      Files.delete(file);
      Files.createSymbolicLink(file, real);
      log.append(doc(3));
      assertThatThrownBy(log::flush)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageNotContaining("not open");
      log.append(doc(4));
      log.flush();
      assertThat(Files.readAllLines(real))
          .containsExactly(new String(doc(4), StandardCharsets.UTF_8));
    } finally {
      otherThread.shutdown();
    }
  }

  @Test
  void aFileReopenedAfterAFailedWriteGetsItsPartialLastLineEndedBeforeTheNextDocument()
      throws Exception {
    // Opened on Linux's /dev/full, so that the first flush fails and the log reopens the name,
    // which by then leads to a file whose last line was cut (a crash, or a disk that was full).
    Path file = Files.createSymbolicLink(dir.resolve("flows.json"), Path.of("/dev/full"));
    Path real = dir.resolve("real.json");
    Files.write(real, "{\"a\":1}\n{\"b\":".getBytes(StandardCharsets.UTF_8));
    try (RollingDocumentLog log = RollingDocumentLog.open(file, 1024 * 1024, 3)) {
      Files.delete(file);
      Files.createSymbolicLink(file, real);
      log.append(doc(1));
      assertThatThrownBy(log::flush).isInstanceOf(UncheckedIOException.class);
      // Written again after the failed commit, into the reopened file.
      log.append(doc(1));
      log.flush();
    }
    // The cut line stays (the file is only appended to); the document has a line of its own.
    assertThat(Files.readAllLines(real))
        .containsExactly("{\"a\":1}", "{\"b\":", new String(doc(1), StandardCharsets.UTF_8));
  }

  @Test
  void aFileThatCannotBeOpenedIsAnError() throws Exception {
    Path notADirectory = Files.createFile(dir.resolve("plain-file"));
    assertThatThrownBy(() -> RollingDocumentLog.open(notADirectory.resolve("flows.json"), 1024, 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("flows.json");
  }
}
