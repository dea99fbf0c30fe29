package io.flowexporter.topology.aggregate;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.BiConsumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/** An inner store that tells each write, as its changelog would receive it, before making it. */
final class WatchedStore {

  private WatchedStore() {}

  /**
   * {@code target}, with {@code onWrite} called for each put (key, value) and each delete (key,
   * null).
   */
  @SuppressWarnings("unchecked")
  static KeyValueStore<Bytes, byte[]> watched(
      KeyValueStore<Bytes, byte[]> target, BiConsumer<Bytes, byte[]> onWrite) {
    return (KeyValueStore<Bytes, byte[]>)
        Proxy.newProxyInstance(
            WatchedStore.class.getClassLoader(),
            new Class<?>[] {KeyValueStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("put")) {
                onWrite.accept((Bytes) args[0], (byte[]) args[1]);
              } else if (method.getName().equals("delete")) {
                onWrite.accept((Bytes) args[0], null);
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
