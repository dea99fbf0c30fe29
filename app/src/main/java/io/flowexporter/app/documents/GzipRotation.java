package io.flowexporter.app.documents;

import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RolloverFailure;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/**
 * Rotates the flow log into {@code FILE.1.gz} ... {@code FILE.N.gz} so that a kill or a full disk
 * at any moment leaves every {@code .gz} whole and no document lost.
 *
 * <p>Logback's own rotation compresses straight into {@code FILE.1.gz} and deletes the file even
 * when the compression failed: a kill meanwhile leaves a truncated archive, a full disk loses the
 * file. Here the file is compressed into {@code FILE.1.gz.part} first; only a whole archive is
 * renamed into the window (one atomic rename), and only then is the file deleted. A kill before the
 * rename leaves the file as it was (the part is removed when the log is opened again); a kill
 * between the rename and the deletion leaves its documents in both, written twice rather than lost,
 * as the flow log's guarantee is at least once. A failed compression (a full disk) shifts nothing
 * and deletes nothing: the error fails the next flush and the file is rotated at a later attempt.
 */
final class GzipRotation extends FixedWindowRollingPolicy {

  private final Path file;
  private final Path part;

  GzipRotation(Path file) {
    this.file = file;
    this.part = archive(1).resolveSibling(archive(1).getFileName() + ".part");
  }

  /** {@code FILE.i.gz}. */
  Path archive(int index) {
    return file.resolveSibling(file.getFileName() + "." + index + ".gz");
  }

  /** Removes what a rotation cut short by a kill left behind; the file itself is intact. */
  void removeUnfinishedArchive() throws IOException {
    Files.deleteIfExists(part);
  }

  @Override
  public void rollover() throws RolloverFailure {
    try {
      compress();
    } catch (IOException | RuntimeException e) {
      throw failed("could not be rotated into " + archive(1) + " (kept as it is)", e);
    }
    try {
      shiftAndPlace();
      Files.delete(file);
    } catch (IOException e) {
      // Renames and a deletion in the file's own directory, where the compression could just
      // write: the older archives may have moved, the file and its documents are still there.
      throw failed("rotation into " + archive(1) + " failed", e);
    }
  }

  /**
   * Reported as an error (the log's status listener fails the next flush with it), not a warning.
   */
  private RolloverFailure failed(String what, Exception e) {
    try {
      Files.deleteIfExists(part);
    } catch (IOException ignored) {
      // the next rotation overwrites it, the next open removes it
    }
    addError(what, e);
    return new RolloverFailure(e.getMessage());
  }

  private void compress() throws IOException {
    // The part's stream its own resource: GZIPOutputStream writes its header in its constructor,
    // and on a full disk that write fails before the stream could be closed by its wrapper.
    try (InputStream in = Files.newInputStream(file);
        FileOutputStream raw = new FileOutputStream(part.toFile());
        GZIPOutputStream out = new GZIPOutputStream(raw, 64 * 1024)) {
      in.transferTo(out);
      out.finish();
      // On disk before the file it replaces is deleted: after a host crash, the archive is whole
      // or the file is still there (once per rotation, unlike the log's own writes).
      raw.getFD().sync();
    }
  }

  /** The oldest archive goes, the others move up one place, the new one becomes {@code .1.gz}. */
  private void shiftAndPlace() throws IOException {
    Files.deleteIfExists(archive(getMaxIndex()));
    for (int i = getMaxIndex() - 1; i >= 1; i--) {
      if (Files.exists(archive(i))) {
        Files.move(archive(i), archive(i + 1), StandardCopyOption.ATOMIC_MOVE);
      }
    }
    Files.move(part, archive(1), StandardCopyOption.ATOMIC_MOVE);
  }
}
