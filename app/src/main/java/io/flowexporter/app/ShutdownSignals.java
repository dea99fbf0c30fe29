package io.flowexporter.app;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM (docker stop, systemd) into an orderly shutdown that exits 0,
 * instead of the JVM's default exit status 130/143 after its shutdown hooks. Uses the JDK's
 * {@code sun.misc.Signal} (module jdk.unsupported) by reflection, so that the build needs no
 * internal API; where it is unavailable the JVM's default handling stays.
 */
public final class ShutdownSignals {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

  private ShutdownSignals() {}

  /** Runs {@code onSignal} (once per signal received) on SIGINT and SIGTERM. */
  public static void install(Runnable onSignal) {
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
          Proxy.newProxyInstance(ShutdownSignals.class.getClassLoader(), new Class<?>[] {handlerClass}, invocation);
      for (String name : new String[] {"INT", "TERM"}) {
        Object signal = signalClass.getConstructor(String.class).newInstance(name);
        signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Signal handlers not installed; the JVM's defaults apply", e);
    }
  }
}
