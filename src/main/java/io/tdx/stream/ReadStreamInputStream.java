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
 * ended, or a high-water mark of it is buffered), and a reader never waits more than
 * {@code maxWait} for the next chunk.
 */
public final class ReadStreamInputStream extends InputStream {
  static final long HIGH_WATER = 1 << 20;
  /** How long a reader waits for the next chunk unless told otherwise. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);
  private static final Object END = new Object();
  private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
  private final AtomicLong buffered = new AtomicLong();
  private final ReadStream<Buffer> stream;
  private final Context context;
  private final long maxBytes;
  private final long maxWaitMillis;
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

  /**
   * @param context  the stream's context, where it is resumed
   * @param maxBytes past this many bytes the reader gets a {@link BodyTooLargeException}
   */
  public ReadStreamInputStream(ReadStream<Buffer> stream, Context context, long maxBytes) {
    this(stream, context, maxBytes, DEFAULT_MAX_WAIT);
  }

  /**
   * @param maxWait a reader waiting longer than this for the next chunk gets a {@link BodyTimeoutException}
   */
  public ReadStreamInputStream(ReadStream<Buffer> stream, Context context, long maxBytes, Duration maxWait) {
    this.stream = stream;
    this.context = context;
    this.maxBytes = maxBytes;
    this.maxWaitMillis = maxWait.toMillis();
    stream.handler(this::onData);
    stream.endHandler(v -> onEnd());
    stream.exceptionHandler(this::onError);
  }

  private void onData(Buffer chunk) {
    if (failed) {
      return;
    }
    received += chunk.length();
    if (received > maxBytes) {
      fail(new BodyTooLargeException(maxBytes));
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
    if (!failed) {
      fail(error instanceof IOException io ? io : new IOException("the body could not be read: " + error.getMessage(), error));
    }
  }

  private void fail(IOException error) {
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
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
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
    Object next;
    try {
      next = chunks.poll(maxWaitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the body");
    }
    if (next == null) {
      next = new BodyTimeoutException("no byte of the body came for " + maxWaitMillis / 1000 + " s");
    }
    if (next == END) {
      finished = true;
      return false;
    }
    if (next instanceof IOException e) {
      chunks.add(e);
      throw e;
    }
    current = (Buffer) next;
    position = 0;
    if (buffered.addAndGet(-current.length()) <= HIGH_WATER / 2 && paused) {
      context.runOnContext(v -> resumeIfDrained());
    }
    return true;
  }

  @Override
  public int available() {
    return current == null ? 0 : current.length() - position;
  }
}
