package io.tdx.http;

import io.tdx.problem.ProblemException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
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
      requireKnown(ctx.queryParams(), known, ctx.request().method().name() + " " + ctx.request().path());
      ctx.next();
    };
  }

  /** The query's parameters only: the router adds a route's path parameters to the request's. */
  static void requireKnown(MultiMap query, Set<String> known, String where) {
    for (String name : query.names()) {
      if (!known.contains(name)) {
        throw ProblemException.badRequest("unknown-parameter", "Unknown query parameter",
          "query parameter " + name + " is not understood by " + where
            + (known.isEmpty() ? ", which takes none" : " (known: " + String.join(", ", known.stream().sorted().toList()) + ")"))
          .with("parameter", name);
      }
    }
  }
}
