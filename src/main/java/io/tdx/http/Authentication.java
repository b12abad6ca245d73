package io.tdx.http;

import io.tdx.auth.Authenticator;
import io.tdx.auth.Caller;
import io.tdx.problem.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Bearer authentication (RFC 6750) of every route it guards: the request's caller is found
 * from its {@code Authorization: Bearer TOKEN} and kept for the handlers ({@link #caller}); a
 * request without a token, or with one the server does not accept, fails {@code 401} with
 * {@code WWW-Authenticate}. On a server without authentication every caller is {@link Caller#ANYONE}.
 */
final class Authentication implements Handler<RoutingContext> {
  private static final String CALLER = "tdx.caller";
  /** The cookie a browser session's token is kept in ({@code POST /tdx/login}): HttpOnly, SameSite=Strict. */
  static final String COOKIE = "tdx_token";
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
    io.vertx.core.http.Cookie session = ctx.request().getCookie(COOKIE);
    if (header == null && session != null && !session.getValue().isBlank()) {
      header = "Bearer " + session.getValue(); // the web console's session
    }
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

  /**
   * A browser session: {@code POST /tdx/login} with {@code {"token": "..."}} checks the token and
   * keeps it in a cookie for the session (HttpOnly, so no script reads it; SameSite=Strict, so no
   * other site's page sends it); {@code POST /tdx/logout} drops it; {@code GET /tdx/whoami} (after
   * authentication) says who the session is. Before the authentication handler, but for whoami.
   */
  void routeSession(Router router) {
    router.post("/tdx/login").handler(BodyHandler.create(false).setBodyLimit(16 << 10)).handler(Parameters.only()).handler(ctx -> {
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        body = null;
      }
      String token = body == null ? null : body.getValue("token") instanceof String text ? text.strip() : null;
      if (token == null || token.isEmpty()) {
        ctx.fail(ProblemException.badRequest("bad-login", "Bad login", "send {\"token\": \"...\"} as JSON"));
        return;
      }
      if (authenticator == null) {
        ctx.json(whoami(Caller.ANYONE, false));
        return;
      }
      authenticator.authenticate(token).onSuccess(caller -> {
        ctx.response().addCookie(Cookie.cookie(COOKIE, token).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/")
          .setSecure(ctx.request().isSSL()));
        ctx.json(whoami(caller, true));
      }).onFailure(e -> ctx.fail(new ProblemException(401, "invalid-token", "Invalid token",
        "the token is not accepted: " + e.getMessage())));
    });
    router.post("/tdx/logout").handler(Parameters.only()).handler(ctx -> {
      ctx.response().addCookie(Cookie.cookie(COOKIE, "").setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/")
        .setMaxAge(0));
      ctx.response().setStatusCode(204).end();
    });
  }

  /** {@code GET /tdx/whoami}, after the authentication handler. */
  void routeWhoami(Router router) {
    router.get("/tdx/whoami").handler(Parameters.only()).handler(ctx -> ctx.json(whoami(caller(ctx), authenticator != null)));
  }

  private static JsonObject whoami(Caller caller, boolean authentication) {
    return new JsonObject().put("authentication", authentication).put("principal", caller.principal())
      .put("admin", caller.admin());
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
