package io.tdx.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, once its response has ended (or its connection closed), to the logger
 * {@code tdx.access}: method, path, status, bytes sent, duration and principal
 * ({@code -} on a server without authentication), as
 * {@code GET /sales 200 1048576 B 312 ms loader}. Its level set to {@code off} silences it.
 *
 * <p>An event loop only queues the line: a thread of its own writes it, as a logger may block on
 * its output, in batches, at most {@code IDLE_MILLIS} later. Past {@link #QUEUED} lines waiting, lines are dropped and counted, and the count is
 * logged with the next line written.
 */
final class AccessLog implements Handler<RoutingContext> {
  static final Logger LOG = LoggerFactory.getLogger("tdx.access");
  static final int QUEUED = 16_384;
  private static final BlockingQueue<String> LINES = new ArrayBlockingQueue<>(QUEUED);
  private static final AtomicLong DROPPED = new AtomicLong();
  /** How long the writer sleeps when no line waits: a line is written at most this much later. */
  private static final long IDLE_MILLIS = 20;

  static {
    Thread writer = new Thread(AccessLog::write, "tdx-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (LOG.isInfoEnabled()) {
      long started = System.nanoTime();
      ctx.addEndHandler(ended -> {
        String principal = Authentication.caller(ctx).principal();
        String line = ctx.request().method() + " " + ctx.request().path() + " " + ctx.response().getStatusCode() + " "
          + ctx.response().bytesWritten() + " B " + (System.nanoTime() - started) / 1_000_000 + " ms "
          + (principal == null ? "-" : principal) + (ended.succeeded() ? "" : " (connection closed before the response ended)");
        if (!LINES.offer(line)) {
          DROPPED.incrementAndGet();
        }
      });
    }
    ctx.next();
  }

  /**
   * Writes the waiting lines, a batch at a time, and sleeps a moment when there are none: the
   * event loops never wake this thread (a wake-up per line cost more than the line).
   */
  private static void write() {
    List<String> batch = new ArrayList<>(1024);
    while (true) {
      try {
        if (LINES.drainTo(batch, 4096) == 0) {
          Thread.sleep(IDLE_MILLIS);
          continue;
        }
        long dropped = DROPPED.getAndSet(0);
        if (dropped > 0) {
          LOG.warn("{} access log lines were dropped: more than {} were waiting to be written", dropped, QUEUED);
        }
        for (String line : batch) {
          LOG.info(line);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // a logger that fails loses its lines, not the writer
      }
      batch.clear();
    }
  }
}
