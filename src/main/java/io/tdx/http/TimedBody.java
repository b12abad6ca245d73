package io.tdx.http;

import io.tdx.config.Limits;
import io.tdx.stream.BodyTimeoutException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * A request body watched for slow clients: while its reader wants bytes (not paused), the client
 * must send one at least every {@code limits.bodyIdleSeconds} and, over each such window, at
 * least {@code limits.minBodyBytesPerSecond} on average. Otherwise the body fails with a
 * {@link BodyTimeoutException} and the bytes that still come are dropped. Time spent paused
 * (the server not reading) is never held against the client. Create it on the request's
 * context, before any asynchronous hop.
 */
final class TimedBody implements ReadStream<Buffer> {
  private static final long TICK_MILLIS = 500;
  /** Most of a body read and dropped after its request was answered early; past it the connection is closed. */
  static final long MAX_DISCARDED_BYTES = 16L << 20;
  private final HttpServerRequest body;
  private final Vertx vertx;
  private final long idleMillis;
  private final long minBytesPerWindow;
  private final long timer;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;
  private boolean paused;
  private boolean done;
  private boolean timedOut;
  /** What happened before a reader was attached (the connection closed during a hop), told to it when it attaches. */
  private boolean ended;
  private Throwable failure;
  private long lastByte;
  private long windowStart;
  private long windowBytes;

  TimedBody(HttpServerRequest body, Vertx vertx, Limits limits) {
    this.body = body;
    this.vertx = vertx;
    this.idleMillis = limits.bodyIdleSeconds() * 1000L;
    this.minBytesPerWindow = limits.minBodyBytesPerSecond() * limits.bodyIdleSeconds();
    body.endHandler(v -> onEnd());
    body.exceptionHandler(this::onError);
    restartClock();
    timer = vertx.setPeriodic(TICK_MILLIS, id -> check());
  }

  /** Stops watching (the body ended, failed or timed out). */
  private void stop() {
    done = true;
    vertx.cancelTimer(timer);
  }

  /**
   * The request was answered: if its body has not ended, the rest is read and dropped, so that a
   * client that sends it whole before it reads gets its answer (closing at once would reset the
   * connection under it). A rest past {@link #MAX_DISCARDED_BYTES}, or one sent too slowly, closes
   * the connection instead.
   */
  void answered() {
    if (done || body.isEnded()) {
      stop();
      return;
    }
    long[] dropped = {0};
    exceptionHandler = e -> body.connection().close();
    endHandler = null;
    handler(chunk -> {
      dropped[0] += chunk.length();
      if (dropped[0] > MAX_DISCARDED_BYTES) {
        stop();
        body.connection().close();
      }
    });
    resume();
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    body.handler(handler == null ? null : chunk -> {
      if (timedOut) {
        return; // what still comes is not read
      }
      lastByte = now();
      windowBytes += chunk.length();
      handler.handle(chunk);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    body.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    wants();
    body.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    wants();
    body.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    endHandler = handler;
    if (ended && handler != null) {
      handler.handle(null);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    if (failure != null && handler != null) {
      handler.handle(failure);
    }
    return this;
  }

  private void wants() {
    if (paused) {
      paused = false;
      restartClock();
    }
  }

  private void restartClock() {
    lastByte = now();
    windowStart = lastByte;
    windowBytes = 0;
  }

  private void onEnd() {
    if (!timedOut) {
      stop();
      ended = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
  }

  private void onError(Throwable error) {
    if (!timedOut) {
      stop();
      failure = error;
      if (exceptionHandler != null) {
        exceptionHandler.handle(error);
      }
    }
  }

  private void check() {
    if (done || paused) {
      return;
    }
    long now = now();
    if (now - lastByte >= idleMillis) {
      timeOut("no byte of the body came for " + idleMillis / 1000 + " s (limits.bodyIdleSeconds)");
    } else if (now - windowStart >= idleMillis) {
      if (windowBytes < minBytesPerWindow) {
        timeOut("the body came at " + windowBytes + " bytes in " + idleMillis / 1000 + " s, slower than "
          + minBytesPerWindow * 1000 / idleMillis + " bytes per second (limits.minBodyBytesPerSecond)");
      } else {
        windowStart = now;
        windowBytes = 0;
      }
    }
  }

  private void timeOut(String reason) {
    timedOut = true;
    stop();
    failure = new BodyTimeoutException(reason);
    if (exceptionHandler != null) {
      exceptionHandler.handle(failure);
    }
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }
}
