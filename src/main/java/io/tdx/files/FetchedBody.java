package io.tdx.files;

import io.tdx.problem.ProblemException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The body of a fetched response as a blocking stream for a worker, with back-pressure (the
 * response is paused while more than {@link #HIGH_WATER} bytes wait) and bounds: at most
 * {@code maxBytes} bytes as they travel, no read waiting longer than {@code idle} for a byte,
 * and the reads together waiting at most {@link FetchClock#remaining()}. Only the reader's
 * waits count: a worker busy with the rows it read does not use up the fetch's time. A bound
 * crossed is a problem ({@code 413}, {@code 504}); a broken connection a {@code 502}.
 * Attached on the response's context as its head arrives, before any asynchronous hop.
 */
final class FetchedBody extends InputStream {
  static final long HIGH_WATER = 1 << 20;
  private static final Object END = new Object();
  private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
  private final AtomicLong buffered = new AtomicLong();
  private final HttpClientResponse response;
  private final Context loop;
  private final String uri;
  private final long maxBytes;
  private final FetchClock clock;
  // event-loop state; paused is read by the reader as a hint
  private volatile boolean paused;
  private boolean ended;
  private boolean failed;
  private long received;
  // reader state
  private Buffer current;
  private int position;
  private boolean finished;
  private RuntimeException failure;

  FetchedBody(HttpClientResponse response, Context loop, String uri, long maxBytes, FetchClock clock) {
    this.response = response;
    this.loop = loop;
    this.uri = uri;
    this.maxBytes = maxBytes;
    this.clock = clock;
    response.handler(this::onData);
    response.endHandler(v -> onEnd());
    response.exceptionHandler(this::onError);
  }

  private void onData(Buffer chunk) {
    if (failed) {
      return;
    }
    received += chunk.length();
    if (received > maxBytes) {
      fail(FileAccess.tooLarge(uri));
      response.request().reset();
      return;
    }
    chunks.add(chunk);
    if (buffered.addAndGet(chunk.length()) > HIGH_WATER && !paused) {
      paused = true;
      response.pause();
    }
  }

  private void onEnd() {
    ended = true;
    chunks.add(END);
  }

  private void onError(Throwable error) {
    fail(HttpFetcher.failed(uri, "the connection broke after " + received + " bytes of the body: " + error.getMessage())
      .with("rule", "unreachable"));
  }

  private void fail(ProblemException problem) {
    if (!failed && !ended) {
      failed = true;
      chunks.add(problem);
    }
  }

  private void resumeIfDrained() {
    if (paused && !ended && !failed && buffered.get() <= HIGH_WATER / 2) {
      paused = false;
      try {
        response.resume();
      } catch (IllegalStateException alreadyRead) {
        // the response ended meanwhile: nothing left to resume
      }
    }
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int length) {
    if (failure != null) {
      throw failure;
    }
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

  private boolean nextChunk() {
    Object next = take();
    if (next == END) {
      finished = true;
      return false;
    }
    if (next instanceof ProblemException problem) {
      failure = problem;
      throw problem;
    }
    current = (Buffer) next;
    position = 0;
    if (buffered.addAndGet(-current.length()) <= HIGH_WATER / 2 && paused) {
      loop.runOnContext(v -> resumeIfDrained());
    }
    return true;
  }

  /** The next chunk, waiting at most the idle timeout and what is left of the fetch's time. */
  private Object take() {
    long wait = Math.min(clock.idle().toNanos(), clock.remaining());
    long start = System.nanoTime();
    Object next;
    try {
      next = wait <= 0 ? chunks.poll() : chunks.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      next = null;
    } finally {
      clock.waited(System.nanoTime() - start);
    }
    if (next == null) {
      failure = clock.timedOut(uri, "the body");
      close();
      throw failure;
    }
    return next;
  }

  /** A body not read to its end is abandoned, not left paused in the connection pool. */
  @Override
  public void close() {
    if (!finished) {
      finished = true;
      loop.runOnContext(v -> response.request().reset());
    }
  }
}
