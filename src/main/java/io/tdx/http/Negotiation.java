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

  /** True when the client's {@code Accept} names HTML (a browser). */
  static boolean wantsHtml(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/html");
  }

  /** True when the client's {@code Accept} names plain text and not JSON (a terminal). */
  static boolean wantsText(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/plain") && !wantsJson(ctx);
  }
}
