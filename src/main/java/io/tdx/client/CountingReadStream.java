package io.tdx.client;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.function.LongConsumer;

/** A stream of buffers passed through unchanged, its running byte count told to a consumer. */
final class CountingReadStream implements ReadStream<Buffer> {
  private final ReadStream<Buffer> source;
  private final LongConsumer counted;
  private long bytes;

  CountingReadStream(ReadStream<Buffer> source, LongConsumer counted) {
    this.source = source;
    this.counted = counted;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : buffer -> {
      bytes += buffer.length();
      counted.accept(bytes);
      handler.handle(buffer);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler);
    return this;
  }
}
