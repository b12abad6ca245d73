package io.tdx;

import io.tdx.config.ConfigLoader;
import io.tdx.config.TdxConfig;
import io.tdx.problem.ProblemException;
import io.tdx.service.ServiceParser;
import io.tdx.service.Services;
import io.tdx.worker.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.tdx.workspace.Workspace;
import io.vertx.core.json.JsonArray;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a new set of services while the server runs: checks the declarations, applies them to
 * the workspace (on a worker), then hands them to every HTTP verticle and completes once all
 * of them serve the new set.
 */
final class ServiceReloader {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceReloader.class);
  private final Vertx vertx;
  private final TdxConfig config;
  private final Workspace workspace;
  private final List<String> addresses;
  private volatile Services current;

  ServiceReloader(Vertx vertx, TdxConfig config, Workspace workspace, List<String> addresses) {
    this.vertx = vertx;
    this.config = config;
    this.workspace = workspace;
    this.addresses = addresses;
    this.current = config.services();
  }

  /** The services served now (the transaction owners find a part's service by its prefix here). */
  Services current() {
    return current;
  }

  Future<Services> load(JsonArray declarations) {
    return vertx.executeBlocking(() -> {
      Services services = ServiceParser.parse(declarations);
      workspace.load(services);
      current = services; // before any HTTP verticle serves them: the owners know every service a part may name
      return services;
    }, false).compose(services -> Future.all(addresses.stream()
        .map(address -> vertx.eventBus().request(address, services, LocalCodec.options(30_000)))
        .toList())
      .map(served -> {
        LOG.info("services loaded: {}", services.all().stream().map(s -> s.prefix()).toList());
        return services;
      }));
  }

  Future<Services> reloadFromFile() {
    if (config.configFile() == null) {
      return Future.failedFuture(new ProblemException(409, "no-configuration-file", "No configuration file",
        "this server was started from a configuration object, not a file; an embedding application loads services with TdxServer.loadServices"));
    }
    return vertx.executeBlocking(() -> ConfigLoader.services(config.configFile()), false).compose(this::load);
  }
}
