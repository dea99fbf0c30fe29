package io.flowexporter.app.it;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The programs the integration tests start. Tests stop their own; this is for when the test JVM
 * itself is stopped (a CI timeout, Ctrl-C on Maven): a shutdown hook kills whatever still runs,
 * children first, so no exporter, nfacctd or Prometheus outlives the suite.
 */
final class ChildProcesses {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ChildProcesses::killAll, "child-process-reaper"));
  }

  private ChildProcesses() {}

  /** Registers a started process until it exits; returns it. */
  static Process track(Process process) {
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
    return process;
  }

  private static void killAll() {
    for (Process p : LIVE) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
