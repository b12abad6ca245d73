package io.tdx.http;

import io.tdx.auth.Authenticator;
import io.tdx.auth.Caller;
import io.tdx.problem.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Bearer authentication (RFC 6750) of every route it guards: the request's caller is found
 * from its {@code Authorization: Bearer TOKEN} and kept for the handlers ({@link #caller}); a
 * request without a token, or with one the server does not accept, fails {@code 401} with
 * {@code WWW-Authenticate}. On a server without authentication every caller is {@link Caller#ANYONE}.
 */
final class Authentication implements Handler<RoutingContext> {
  private static final String CALLER = "tdx.caller";
  private static final String REALM = "Bearer realm=\"tdx\"";
  private final Authenticator authenticator;

  /** @param authenticator null on a server without authentication */
  Authentication(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** Who sent the request; {@link Caller#ANYONE} on a server without authentication. */
  static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER);
    return caller == null ? Caller.ANYONE : caller;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (authenticator == null) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      ctx.fail(new ProblemException(401, "unauthenticated", "Authentication required",
        "this server needs a bearer token: send Authorization: Bearer TOKEN")
        .with("wwwAuthenticate", REALM));
      return;
    }
    authenticator.authenticate(header.substring(7).strip()).onSuccess(caller -> {
      ctx.put(CALLER, caller);
      ctx.next();
    }).onFailure(e -> ctx.fail(new ProblemException(401, "invalid-token", "Invalid token",
        "the bearer token is not accepted: " + e.getMessage())
      .with("wwwAuthenticate", REALM + ", error=\"invalid_token\"")));
  }

  /** Fails the request {@code 403} unless its caller may use {@code right} ({@code read}, {@code write}) on the service. */
  static void require(RoutingContext ctx, String right, String prefix) {
    Caller caller = caller(ctx);
    if (!caller.may(right, prefix)) {
      throw forbidden(caller, right + ":" + prefix, (right.equals("read") ? "export from " : "import into ") + prefix);
    }
  }

  /** A route's handler that lets only admins through (others get {@code 403} saying they may not {@code action}). */
  static Handler<RoutingContext> admins(String action) {
    return ctx -> {
      Caller caller = caller(ctx);
      if (caller.admin()) {
        ctx.next();
      } else {
        ctx.fail(forbidden(caller, "admin", action));
      }
    };
  }

  /** Fails the request {@code 403} unless its caller may read the metrics. */
  static void requireMetrics(RoutingContext ctx) {
    Caller caller = caller(ctx);
    if (!caller.metrics()) {
      throw forbidden(caller, "metrics", "read the metrics");
    }
  }

  private static ProblemException forbidden(Caller caller, String permission, String action) {
    return new ProblemException(403, "forbidden", "Forbidden",
      caller.principal() + " may not " + action + ": that needs the permission " + permission)
      .with("principal", caller.principal()).with("permission", permission);
  }
}
