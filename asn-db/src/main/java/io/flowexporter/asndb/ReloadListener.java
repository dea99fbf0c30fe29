package io.flowexporter.asndb;

import java.nio.file.Path;

/**
 * Told about every load of a {@link ReloadingAsnDatabase} or {@link ReloadingCountryDatabase}, so
 * the application can expose {@code flow_exporter_asn_db_info{path,build_epoch,type}} and a reload
 * counter without this module knowing about metrics ({@link DatabaseInfo#shape()} tells the kinds
 * apart, should one listener hear both).
 *
 * <p>{@link #loaded} is called once from {@code open} on the caller's thread, then from the reload
 * thread; {@link #failed} only from the reload thread (a failed first load throws instead).
 * Implementations must be quick and thread-safe; what they throw is logged and ignored.
 */
public interface ReloadListener {

  /** A listener that does nothing. */
  ReloadListener NONE =
      new ReloadListener() {
        @Override
        public void loaded(DatabaseInfo info) {}

        @Override
        public void failed(Path file, Exception cause) {}
      };

  /** A database was loaded and is now the one answering lookups. */
  void loaded(DatabaseInfo info);

  /**
   * A replaced file could not be loaded; the previous database keeps answering. Reported once per
   * change of the file, not on every check.
   */
  void failed(Path file, Exception cause);
}
