package io.tdx.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tdx.metrics.TdxMetrics;
import io.tdx.problem.Failures;
import io.tdx.problem.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become responses: every 4xx and 5xx is a problem document. It is the
 * routes' failure handler and the router's handler of a {@code 400} no route could see (a path
 * that does not decode).
 */
final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);
  private final TdxMetrics metrics;

  ProblemHandler(TdxMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      if (response.closed()) { // the client went away: its business, said in one line
        LOG.info("{} {}: the client closed the connection during the response", ctx.request().method(), ctx.request().path());
        return;
      }
      LOG.warn("{} {} failed after its response started; resetting the stream", ctx.request().method(), ctx.request().path(), ctx.failure());
      response.reset();
      return;
    }
    ProblemException problem = problem(ctx);
    if (problem.status() == 503) {
      metrics.shed(problem.type());
    }
    response.setStatusCode(problem.status())
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json");
    Object retryAfter = problem.extensions().getValue("retryAfter");
    if (retryAfter != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, retryAfter.toString());
    }
    Object allow = problem.extensions().getValue("allow");
    if (allow != null) {
      response.putHeader(HttpHeaders.ALLOW, allow.toString());
    }
    Object wwwAuthenticate = problem.extensions().getValue("wwwAuthenticate");
    if (wwwAuthenticate != null) {
      response.putHeader(io.netty.handler.codec.http.HttpHeaderNames.WWW_AUTHENTICATE, wwwAuthenticate.toString());
    }
    Object acceptEncoding = problem.extensions().getValue("acceptEncoding");
    if (acceptEncoding != null) {
      response.putHeader(HttpHeaders.ACCEPT_ENCODING, acceptEncoding.toString());
    }
    if (unreadBody(ctx)) {
      // the rest of the body will not be read: do not let the client reuse this connection
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response.end(JsonResponse.text(problem.toJson(ctx.request().path()))).onComplete(done -> {
      if (problem.status() == 408) {
        ctx.request().connection().close(); // a client too slow to send its body does not keep its connection either
      }
    });
  }

  private static boolean unreadBody(RoutingContext ctx) {
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean body = (length != null && !length.equals("0")) || ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    return body && !ctx.request().isEnded();
  }

  static ProblemException problem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ProblemException known = Failures.known(failure);
    if (known != null) {
      return known;
    }
    if (failure instanceof HttpException http) {
      return generic(http.getStatusCode(), http.getPayload());
    }
    if (failure == null) {
      ProblemException badPath = badPath(ctx);
      return badPath != null ? badPath : generic(ctx.statusCode() < 400 ? 500 : ctx.statusCode(), null);
    }
    if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      // the router's own verdict on the request (an HTTP/1.1 request without Host)
      return generic(ctx.statusCode(), failure.getMessage());
    }
    LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    return Failures.internal(failure);
  }

  /** A path whose % escapes do not decode fails while routes are matched, with no failure to tell why. */
  private static ProblemException badPath(RoutingContext ctx) {
    try {
      ctx.normalizedPath();
      return null;
    } catch (IllegalArgumentException e) {
      return ProblemException.badRequest("bad-uri", "Bad URI",
        "the path does not decode (" + e.getMessage() + "); a literal % is written %25");
    }
  }

  private static ProblemException generic(int status, String detail) {
    String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
    return new ProblemException(status, "http-" + status, reason, detail == null ? reason : detail);
  }
}
