package io.tdx.http;

import io.tdx.config.TdxConfig;
import io.tdx.problem.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Set;

/**
 * Refuses requests that a page of another site makes a browser send: a request that changes
 * data ({@code POST}, {@code PUT}, {@code DELETE}, ...) whose {@code Origin} is not the server's
 * own origin, or that the browser marks {@code Sec-Fetch-Site: cross-site}. A request without
 * those headers (curl, the clients) passes. On a server without authentication bound to
 * loopback, it also refuses a {@code Host} that is not a loopback name: a page that rebinds its
 * own domain to 127.0.0.1 reaches the server as same-origin otherwise.
 */
final class SameOrigin implements Handler<RoutingContext> {
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private final boolean loopbackHostOnly;

  /** @param loopbackHostOnly whether the {@code Host} must name loopback (a server bound there without authentication) */
  SameOrigin(boolean loopbackHostOnly) {
    this.loopbackHostOnly = loopbackHostOnly;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HostAndPort authority = ctx.request().authority(); // the Host, or what a trusted proxy says the client used
    if (loopbackHostOnly && authority != null && !TdxConfig.loopback(authority.host())) {
      ctx.fail(new ProblemException(403, "host-refused", "Host refused",
        "this server has no authentication and answers only requests addressed to a loopback name (localhost, 127.0.0.1),"
          + " not " + authority.host()));
      return;
    }
    if (!SAFE.contains(ctx.request().method())) {
      String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
      boolean crossSite = "cross-site".equals(ctx.request().getHeader("Sec-Fetch-Site"));
      if (crossSite || origin != null && !sameOrigin(origin, authority, ctx.request().isSSL())) {
        ctx.fail(new ProblemException(403, "cross-origin-refused", "Cross-origin request refused",
          "a " + ctx.request().method() + " from a page of " + (origin == null ? "another site" : origin)
            + " is refused: only this server's own pages, and clients that are not browsers, change data"));
        return;
      }
    }
    ctx.next();
  }

  /** Whether an {@code Origin} names the authority the request was sent to. */
  private static boolean sameOrigin(String origin, HostAndPort authority, boolean tls) {
    if (authority == null || origin.equals("null")) {
      return false;
    }
    try {
      URI uri = URI.create(origin);
      boolean https = "https".equals(uri.getScheme());
      int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
      int sent = authority.port() != -1 ? authority.port() : tls ? 443 : 80;
      String host = uri.getHost() == null ? "" : uri.getHost().replaceAll("^\\[|]$", "");
      return host.equalsIgnoreCase(authority.host().replaceAll("^\\[|]$", "")) && port == sent;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
