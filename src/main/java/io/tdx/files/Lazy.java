package io.tdx.files;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A client built when first needed (a server that never names {@code s3://} never builds an S3
 * client) and closed with the server.
 */
final class Lazy<T extends AutoCloseable> implements Supplier<T> {
  private final Supplier<T> factory;
  private final AtomicReference<T> value = new AtomicReference<>();

  private Lazy(Supplier<T> factory) {
    this.factory = factory;
  }

  @Override
  public T get() {
    T current = value.get();
    if (current != null) {
      return current;
    }
    T built = factory.get();
    if (value.compareAndSet(null, built)) {
      return built;
    }
    closeQuietly(built); // another thread built one first
    return value.get();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // a client we never used
    }
  }

  /** Closes the clients its lazies built. */
  static final class Closer implements AutoCloseable {
    private final List<Lazy<?>> lazies = new CopyOnWriteArrayList<>();

    <T extends AutoCloseable> Supplier<T> lazy(Supplier<T> factory) {
      Lazy<T> lazy = new Lazy<>(factory);
      lazies.add(lazy);
      return lazy;
    }

    @Override
    public void close() {
      lazies.forEach(lazy -> {
        AutoCloseable built = lazy.value.getAndSet(null);
        if (built != null) {
          closeQuietly(built);
        }
      });
    }
  }
}
