package io.tdx.http;

import io.tdx.metrics.TdxMetrics;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * What a server shows of itself: {@code GET /metrics} (Prometheus' text format, for principals
 * with the {@code metrics} or {@code admin} permission), {@code GET /health} (liveness) and
 * {@code GET /ready} (readiness), both open to probes without a token.
 *
 * @param metrics   the server's meters
 * @param liveness  the checks of {@code /health}: the server answers
 * @param readiness the checks of {@code /ready}: the workspace answers, the services are loaded
 */
public record Observability(TdxMetrics metrics, HealthChecks liveness, HealthChecks readiness) {

  /** The probes' routes, before authentication. */
  void routeProbes(Router router) {
    router.get("/health").handler(Parameters.only()).handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/ready").handler(Parameters.only()).handler(HealthCheckHandler.createWithHealthChecks(readiness));
  }

  /** The metrics' route, after authentication. */
  void routeMetrics(Router router) {
    router.get("/metrics").handler(Parameters.only()).handler(ctx -> {
      Authentication.requireMetrics(ctx);
      ctx.next();
    }).handler(PrometheusScrapingHandler.create(metrics.registry()));
  }
}
