package io.tdx;

import io.tdx.service.Services;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/** A running TDX server, as {@link Tdx#start} returns it. */
public interface TdxServer {

  /** The port HTTP listens on (the configured one, or the one chosen for port 0). */
  int port();

  /** The base URL, e.g. {@code http://localhost:8080}. */
  String url();

  /**
   * Replaces the served services with these declarations (the {@code services} array of the
   * configuration): new tables are created and new optional columns added; a service left out
   * is no longer served, but its table and rows stay in the workspace. Fails with a
   * {@link io.tdx.config.ConfigException}, changing nothing, when a declaration is invalid or
   * does not match its table.
   */
  Future<Services> loadServices(JsonArray declarations);

  /** Reloads the services from the configuration file the server was started from. */
  Future<Services> reloadServices();

  /**
   * Stops accepting requests, lets requests in flight finish within the configured grace
   * period, undeploys the verticles and closes the workspace. Work still running after that
   * is rolled back: the workspace never keeps half an import.
   */
  Future<Void> stop();
}
