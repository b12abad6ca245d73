package io.tdx.http;

import io.tdx.problem.ProblemException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * A query whose {@code %} escapes do not decode ({@code ?a=%2}) is the client's mistake: a
 * {@code 400 bad-parameter} before any handler reads a parameter, instead of the exception
 * Vert.x throws on the first read.
 */
final class UriCheck implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    try {
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      ctx.fail(ProblemException.badRequest("bad-parameter", "Bad query parameter",
        "the query does not decode (" + e.getMessage() + "); a literal % is written %25"));
      return;
    }
    ctx.next();
  }
}
