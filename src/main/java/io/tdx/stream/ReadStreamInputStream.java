package io.tdx.stream;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream of buffers (a request body, a fetched response) as a blocking {@link InputStream} for
 * a worker thread, with back-pressure: the stream is paused while more than {@link #HIGH_WATER}
 * bytes wait to be read and resumed once the reader has drained half of them, so a body of any
 * size holds little memory. Attach it on the stream's context before any asynchronous hop, so no
 * chunk is lost. {@link #ready()} says when a reader would not wait on the client (the stream
 * ended, or a high-water mark of it is buffered). Its {@link StreamBounds} say how many bytes it
 * may bring, how long a reader may wait for the next chunk, and what the reader hears otherwise.
 */
public final class ReadStreamInputStream extends BulkInputStream {
  static final long HIGH_WATER = 1 << 20;
  private static final Object END = new Object();
  private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
  private final AtomicLong buffered = new AtomicLong();
  private final ReadStream<Buffer> stream;
  private final Context context;
  private final StreamBounds bounds;
  private final Promise<Void> ready = Promise.promise();
  // event-loop state; paused is read by the worker as a hint
  private volatile boolean paused;
  private boolean ended;
  private boolean failed;
  private long received;
  // worker state
  private Buffer current;
  private int position;
  private boolean finished;
  private boolean abandoned;

  /**
   * A request body: past {@code maxBytes} the reader gets a {@link BodyTooLargeException}, and
   * waiting longer than {@code maxWait} for the next chunk a {@link BodyTimeoutException}.
   */
  public ReadStreamInputStream(ReadStream<Buffer> stream, Context context, long maxBytes, Duration maxWait) {
    this(stream, context, StreamBounds.body(maxBytes, maxWait));
  }

  /** @param context the stream's context, where it is resumed */
  public ReadStreamInputStream(ReadStream<Buffer> stream, Context context, StreamBounds bounds) {
    this.stream = stream;
    this.context = context;
    this.bounds = bounds;
    stream.handler(this::onData);
    stream.endHandler(v -> onEnd());
    stream.exceptionHandler(this::onError);
  }

  private void onData(Buffer chunk) {
    if (failed) {
      return;
    }
    received += chunk.length();
    if (received > bounds.maxBytes()) {
      fail(bounds.tooLarge());
      return;
    }
    chunks.add(chunk);
    if (buffered.addAndGet(chunk.length()) > HIGH_WATER && !paused) {
      paused = true;
      stream.pause();
      ready.tryComplete();
    }
  }

  private void onEnd() {
    ended = true;
    chunks.add(END);
    ready.tryComplete();
  }

  private void onError(Throwable error) {
    if (!failed && !ended) {
      fail(bounds.broken(error));
    }
  }

  private void fail(Exception error) {
    failed = true;
    chunks.add(error);
    ready.tryFail(error);
  }

  /**
   * Completes, on the stream's context, once the stream has ended or a high-water mark of it
   * waits to be read; fails if the stream fails first. Until then a reader would wait on the client.
   */
  public Future<Void> ready() {
    return ready.future();
  }

  private void resumeIfDrained() {
    if (paused && !ended && !failed && buffered.get() <= HIGH_WATER / 2) {
      paused = false;
      try {
        stream.resume();
      } catch (IllegalStateException alreadyRead) {
        // the request ended meanwhile: nothing left to resume
      }
    }
  }

  @Override
  protected int readSome(byte[] target, int offset, int length) throws IOException {
    while (current == null || position == current.length()) {
      if (finished || !nextChunk()) {
        return -1;
      }
    }
    int n = Math.min(length, current.length() - position);
    current.getBytes(position, position + n, target, offset);
    position += n;
    return n;
  }

  private boolean nextChunk() throws IOException {
    Object next = take();
    if (next == END) {
      finished = true;
      return false;
    }
    if (next instanceof Exception e) {
      chunks.add(e); // every later read fails alike
      throw rethrown(e);
    }
    current = (Buffer) next;
    position = 0;
    if (buffered.addAndGet(-current.length()) <= HIGH_WATER / 2 && paused) {
      context.runOnContext(v -> resumeIfDrained());
    }
    return true;
  }

  /** The next chunk, the end or a failure, waiting at most what the bounds allow. */
  private Object take() throws IOException {
    long wait = bounds.nextWaitNanos();
    long start = System.nanoTime();
    Object next;
    try {
      next = wait <= 0 ? chunks.poll() : chunks.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the stream");
    } finally {
      bounds.waited(System.nanoTime() - start);
    }
    if (next == null) {
      close();
      return bounds.timedOut();
    }
    return next;
  }

  private static IOException rethrown(Exception e) {
    if (e instanceof RuntimeException unchecked) {
      throw unchecked;
    }
    return (IOException) e;
  }

  /** A stream not read to its end is abandoned (its bounds say what that means, e.g. a fetch reset). */
  @Override
  public void close() {
    if (!finished && !abandoned) {
      abandoned = true;
      context.runOnContext(v -> bounds.abandoned());
    }
  }

  @Override
  public int available() {
    return current == null ? 0 : current.length() - position;
  }
}
