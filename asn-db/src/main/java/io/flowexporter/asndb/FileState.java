package io.flowexporter.asndb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What tells a replaced file from the old one: inode (where the platform has one), size, mtime, and
 * the time its status last changed (where the platform says it), so that a refused file whose
 * permissions were fixed ({@code chmod}, {@code chown}) is tried again. For the reload check, and
 * for a load that must read one and the same file twice.
 */
record FileState(Object fileKey, long size, FileTime modified, Object statusChanged) {
  static final FileState MISSING = new FileState(null, -1, null, null);

  static FileState of(Path file) throws AsnDatabaseException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileState(
          attributes.fileKey(),
          attributes.size(),
          attributes.lastModifiedTime(),
          statusChanged(file));
    } catch (NoSuchFileException e) {
      throw new AsnDatabaseException(file, "no such file", e);
    } catch (IOException e) {
      throw new AsnDatabaseException(file, "cannot be read: " + e, e);
    }
  }

  /** The file's ctime on Linux and macOS; null where the platform has no such attribute. */
  private static Object statusChanged(Path file) throws IOException {
    try {
      return Files.getAttribute(file, "unix:ctime");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }
}
