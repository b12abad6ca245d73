package io.tdx.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** What representation the client asked for. */
final class Negotiation {
  private Negotiation() {
  }

  /** True when the client's {@code Accept} names JSON (a summary, not the CSV error file). */
  static boolean wantsJson(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("json");
  }
}
