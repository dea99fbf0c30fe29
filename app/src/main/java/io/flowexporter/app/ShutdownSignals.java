package io.flowexporter.app;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM (docker stop, systemd) into an orderly shutdown that exits 0,
 * instead of the JVM's default exit status 130/143 after its shutdown hooks. Uses the JDK's {@code
 * sun.misc.Signal} (module jdk.unsupported) by reflection, so that the build needs no internal API;
 * where it is unavailable the JVM's default handling stays.
 *
 * <p>Why not only a JVM shutdown hook (the exporter registers one too, for every other way the JVM
 * ends): a hook runs while the JVM is already exiting because of the signal, and then
 *
 * <ul>
 *   <li>the exit status is 128 + the signal (143 for SIGTERM) whatever the hook does, short of
 *       {@code Runtime.halt}, which would cut off the other hooks (logback's flush, the Kafka
 *       clients'). A supervisor reads 143 as a failure: systemd marks the unit failed unless told
 *       {@code SuccessExitStatus=143}, and the status that means something is lost (the exporter's
 *       1 after a failure, {@code generate}'s 1 when the broker refused records). ExporterIT and
 *       the other integration tests require status 0 after SIGTERM ({@code stopCleanly});
 *   <li>hooks run concurrently, in no set order, beside a main thread that the JVM stops at its
 *       end: the demo's main thread must close the exporter, then the generator, then the broker,
 *       print its last line and remove its temporary files, in that order, which it does when the
 *       handler releases it, and which a hook would race.
 * </ul>
 */
public final class ShutdownSignals {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

  private ShutdownSignals() {}

  /** Runs {@code onSignal} (once per signal received) on SIGINT and SIGTERM. */
  public static void install(Runnable onSignal) {
    install(onSignal, "INT", "TERM");
  }

  /**
   * Runs {@code onSignal} on each of the named signals ({@code "INT"}, {@code "TERM"}, {@code
   * "HUP"}, ...): the demo also stops in order when its terminal is closed (SIGHUP).
   */
  public static void install(Runnable onSignal, String... signals) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      InvocationHandler invocation =
          (proxy, method, args) -> {
            if ("handle".equals(method.getName())) {
              LOG.info("Received {}, shutting down", args[0]);
              onSignal.run();
            }
            return null;
          };
      Object handler =
          Proxy.newProxyInstance(
              ShutdownSignals.class.getClassLoader(), new Class<?>[] {handlerClass}, invocation);
      for (String name : signals) {
        Object signal = signalClass.getConstructor(String.class).newInstance(name);
        signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Signal handlers not installed; the JVM's defaults apply", e);
    }
  }
}
