package io.tdx.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, once its response has ended (or its connection closed), to the logger
 * {@code tdx.access}: method, path, status, bytes sent, duration and principal
 * ({@code -} on a server without authentication or before one is known), as
 * {@code GET /sales 200 1048576 B 312 ms loader}. Its level set to {@code off} silences it.
 */
final class AccessLog implements Handler<RoutingContext> {
  static final Logger LOG = LoggerFactory.getLogger("tdx.access");

  @Override
  public void handle(RoutingContext ctx) {
    if (LOG.isInfoEnabled()) {
      long started = System.nanoTime();
      ctx.addEndHandler(ended -> {
        String principal = Authentication.caller(ctx).principal();
        LOG.info("{} {} {} {} B {} ms {}{}", ctx.request().method(), ctx.request().path(), ctx.response().getStatusCode(),
          ctx.response().bytesWritten(), (System.nanoTime() - started) / 1_000_000, principal == null ? "-" : principal,
          ended.succeeded() ? "" : " (connection closed before the response ended)");
      });
    }
    ctx.next();
  }
}
