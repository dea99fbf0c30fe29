package io.flowexporter.asndb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What tells a replaced file from the old one: inode (where the platform has one), size, mtime. For
 * the reload check, and for a load that must read one and the same file twice.
 */
record FileState(Object fileKey, long size, FileTime modified) {
  static final FileState MISSING = new FileState(null, -1, null);

  static FileState of(Path file) throws AsnDatabaseException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileState(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
    } catch (NoSuchFileException e) {
      throw new AsnDatabaseException(file, "no such file", e);
    } catch (IOException e) {
      throw new AsnDatabaseException(file, "cannot be read: " + e, e);
    }
  }
}
