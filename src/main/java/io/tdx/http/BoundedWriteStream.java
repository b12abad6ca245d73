package io.tdx.http;

import io.tdx.stream.BodyTooLargeException;
import io.tdx.stream.ContentDecoding;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A write stream that refuses to take more than {@code maxBytes}: a spooled part body stays
 * bounded. A plain body (no {@code Content-Encoding}) that starts as gzip does is refused too: a
 * spooled part is known to be gzip by its first bytes (see {@link ContentDecoding#openSpooled}).
 */
final class BoundedWriteStream implements WriteStream<Buffer> {
  private final WriteStream<Buffer> delegate;
  private final long maxBytes;
  private final boolean plain;
  private int first = -1;
  private long written;
  /** Refused or ended: chunks still on their way must not reach the (closed) file. */
  private Throwable refused;

  BoundedWriteStream(WriteStream<Buffer> delegate, long maxBytes, boolean plain) {
    this.delegate = delegate;
    this.maxBytes = maxBytes;
    this.plain = plain;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    if (plain && written < 2 && data.length() > 0) {
      if (written == 0) {
        first = data.getUnsignedByte(0);
      }
      int second = written == 0 ? (data.length() > 1 ? data.getUnsignedByte(1) : -1) : data.getUnsignedByte(0);
      if (ContentDecoding.gzipMagic(first, second)) {
        return refuse(ContentDecoding.unlabelledGzip());
      }
    }
    written += data.length();
    if (written > maxBytes) {
      return refuse(new BodyTooLargeException(maxBytes));
    }
    return delegate.write(data);
  }

  private Future<Void> refuse(Throwable why) {
    refused = why;
    return Future.failedFuture(why);
  }

  @Override
  public Future<Void> end() {
    refused = refused == null ? new IllegalStateException("the spool file is closed") : refused;
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
    return refused == null && delegate.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    delegate.drainHandler(handler);
    return this;
  }
}
