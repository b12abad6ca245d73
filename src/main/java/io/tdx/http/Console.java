package io.tdx.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: plain HTML, CSS and JavaScript under {@code src/main/resources/console},
 * served by the server itself. A browser that opens {@code /}, {@code /txn}, {@code /txn/ID} or
 * {@code /txn/ID/PART_ID} gets the console's page, which fetches the data it shows from the same
 * URLs as JSON (with the browser session's token, {@link Authentication}). The page and its
 * assets hold no data, so they are served without a token.
 */
final class Console {
  /** Scripts, styles and data from this server only: an injected value cannot load or run anything. */
  static final String POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
  private Buffer page;

  void route(Router router) {
    router.get("/console/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", POLICY).putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    }).handler(StaticHandler.create("console").setMaxAgeSeconds(60));
    Handler<RoutingContext> shell = this::page;
    for (String path : new String[] {"/", "/txn", "/txn/:id", "/txn/:id/:part"}) {
      router.get(path).handler(shell);
    }
  }

  /** The console's page for a browser's navigation; any other request goes on to the API. */
  private void page(RoutingContext ctx) {
    if (!Negotiation.wantsHtml(ctx)) {
      ctx.next();
      return;
    }
    (page != null ? io.vertx.core.Future.succeededFuture(page) : ctx.vertx().fileSystem().readFile("console/index.html")
      .onSuccess(read -> page = read))
      .onSuccess(html -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", POLICY).putHeader("X-Content-Type-Options", "nosniff")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end(html))
      .onFailure(ctx::fail);
  }
}
