package io.tdx.http;

import io.tdx.problem.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** The query parameters a route understands: any other is a {@code 400 unknown-parameter} naming it, so a typo never passes silently. */
final class Parameters {
  private Parameters() {
  }

  /** A route handler that lets only these parameters through. */
  static Handler<RoutingContext> only(String... names) {
    Set<String> known = Set.of(names);
    return ctx -> {
      requireKnown(ctx.request(), known, ctx.request().method().name() + " " + ctx.request().path());
      ctx.next();
    };
  }

  static void requireKnown(HttpServerRequest request, Set<String> known, String where) {
    for (String name : request.params().names()) {
      if (!known.contains(name)) {
        throw ProblemException.badRequest("unknown-parameter", "Unknown query parameter",
          "query parameter " + name + " is not understood by " + where
            + (known.isEmpty() ? ", which takes none" : " (known: " + String.join(", ", known.stream().sorted().toList()) + ")"))
          .with("parameter", name);
      }
    }
  }
}
