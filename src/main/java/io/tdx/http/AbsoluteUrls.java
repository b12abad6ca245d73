package io.tdx.http;

import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code Location} headers as absolute URLs, built from the URL the client used: the request's
 * scheme and {@code Host}, or a trusted proxy's {@code Forwarded} / {@code X-Forwarded-*}
 * headers (Vert.x Web reads them when the router allows them, {@code http.trustProxy}).
 */
final class AbsoluteUrls {
  private AbsoluteUrls() {
  }

  /** The absolute URL of {@code path} (a path and query) on the server the request reached. */
  static String of(RoutingContext ctx, String path) {
    HostAndPort authority = ctx.request().authority();
    if (authority == null) {
      return path; // an HTTP/1.0 request without a Host: the path is all there is to say
    }
    return ctx.request().scheme() + "://" + authority + path;
  }

  static AllowForwardHeaders trusted(String trustProxy) {
    return switch (trustProxy) {
      case "forwarded" -> AllowForwardHeaders.FORWARD;
      case "x-forwarded" -> AllowForwardHeaders.X_FORWARD;
      case "all" -> AllowForwardHeaders.ALL;
      default -> AllowForwardHeaders.NONE;
    };
  }
}
