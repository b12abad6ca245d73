package io.tdx.stream;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream of buffers (a request body, a fetched response) as a blocking {@link InputStream} for
 * a worker thread, with back-pressure: the stream is paused while more than {@link #HIGH_WATER}
 * bytes wait to be read and resumed once the reader has drained half of them, so a body of any
 * size holds little memory. Attach it on the stream's context before any asynchronous hop, so no
 * chunk is lost.
 */
public final class ReadStreamInputStream extends InputStream {
  static final long HIGH_WATER = 1 << 20;
  private static final Object END = new Object();
  private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
  private final AtomicLong buffered = new AtomicLong();
  private final ReadStream<Buffer> stream;
  private final Context context;
  private final long maxBytes;
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
    this.stream = stream;
    this.context = context;
    this.maxBytes = maxBytes;
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
      failed = true;
      chunks.add(new BodyTooLargeException(maxBytes));
      return;
    }
    chunks.add(chunk);
    if (buffered.addAndGet(chunk.length()) > HIGH_WATER && !paused) {
      paused = true;
      stream.pause();
    }
  }

  private void onEnd() {
    ended = true;
    chunks.add(END);
  }

  private void onError(Throwable error) {
    if (!failed) {
      failed = true;
      chunks.add(new IOException("the body could not be read: " + error.getMessage(), error));
    }
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
      next = chunks.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the body");
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
}
