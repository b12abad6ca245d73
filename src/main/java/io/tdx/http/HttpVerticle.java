package io.tdx.http;

import io.tdx.config.TdxConfig;
import io.tdx.problem.ProblemException;
import io.tdx.service.ServiceDefinition;
import io.tdx.worker.Jobs;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Serves HTTP on one event loop: a route per declared service, a catch-all {@code 404}, and one
 * failure handler that renders every error as a problem document. Deploy one instance per core.
 */
public final class HttpVerticle extends VerticleBase {
  private final TdxConfig config;
  private final Jobs jobs;
  private final int port;
  private HttpServer server;

  public HttpVerticle(TdxConfig config, Jobs jobs, int port) {
    this.config = config;
    this.jobs = jobs;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    Path spool = config.dataDir().resolve("tmp");
    for (ServiceDefinition service : config.services().all()) {
      router.route(service.prefix()).handler(new ServiceHandler(service, jobs, config.limits(), spool));
    }
    router.route().handler(this::notFound);
    router.route().failureHandler(new ProblemHandler());
    HttpServerOptions options = new HttpServerOptions()
      .setCompressionSupported(true)
      .setDecompressionSupported(true)
      .setMaxHeaderSize(config.limits().maxHttpHeaderBytes())
      .setIdleTimeout(300)
      .setIdleTimeoutUnit(TimeUnit.SECONDS);
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen(port, config.host());
  }

  /** The port this instance listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  private void notFound(RoutingContext ctx) {
    ctx.fail(new ProblemException(404, "not-found", "Not found", "no service at " + ctx.request().path()));
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(config.shutdownGraceSeconds(), TimeUnit.SECONDS);
  }
}
