package io.tdx;

import io.vertx.core.Future;

/** A running TDX server, as {@link Tdx#start} returns it. */
public interface TdxServer {

  /** The port HTTP listens on (the configured one, or the one chosen for port 0). */
  int port();

  /** The base URL, e.g. {@code http://localhost:8080}. */
  String url();

  /**
   * Stops accepting requests, lets requests in flight finish within the configured grace
   * period, undeploys the verticles and closes the workspace. Work still running after that
   * is rolled back: the workspace never keeps half an import.
   */
  Future<Void> stop();
}
