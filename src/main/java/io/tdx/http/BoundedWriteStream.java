package io.tdx.http;

import io.tdx.stream.BodyTooLargeException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/** A write stream that refuses to take more than {@code maxBytes}: a spooled part body stays bounded. */
final class BoundedWriteStream implements WriteStream<Buffer> {
  private final WriteStream<Buffer> delegate;
  private final long maxBytes;
  private long written;

  BoundedWriteStream(WriteStream<Buffer> delegate, long maxBytes) {
    this.delegate = delegate;
    this.maxBytes = maxBytes;
  }

  @Override
  public Future<Void> write(Buffer data) {
    written += data.length();
    if (written > maxBytes) {
      return Future.failedFuture(new BodyTooLargeException(maxBytes));
    }
    return delegate.write(data);
  }

  @Override
  public Future<Void> end() {
    return delegate.end();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    delegate.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    delegate.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return delegate.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    delegate.drainHandler(handler);
    return this;
  }
}
