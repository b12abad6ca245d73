package io.tdx.workspace;

import io.tdx.config.TdxConfig;
import io.tdx.service.Services;

/**
 * The database that holds every service's table. All its methods block: call them from worker
 * threads only. A session is one connection; its work is staged outside any write transaction
 * and applied inside one, so a request (a transaction of one part) and a multi-part
 * transaction share one import path.
 */
public interface Workspace extends AutoCloseable {

  /** Opens (creating on first start) the configured workspace and checks every table against its declaration. */
  static Workspace open(TdxConfig config) {
    return SqlWorkspace.open(config);
  }

  /**
   * The failure of a job on this workspace as a client should hear it: a database that cannot
   * be reached becomes {@code 503 workspace-unavailable} (and the engine replaces the connections
   * it kept, likely lost too), one that gave up waiting for a lock or a statement (its timeouts)
   * {@code 503 workspace-busy}, both with a {@code Retry-After}; anything else is returned
   * unchanged. Called once per failed job.
   */
  Throwable explain(Throwable failure);

  /**
   * Makes the workspace serve these services from now on: creates their tables and adds new
   * optional columns, between two writers. Sessions opened before keep the services they had.
   * Throws {@link io.tdx.config.ConfigException} (and changes nothing) when a table does not match.
   */
  void load(Services services);

  /** The engine and where its database is, for logs (no password). */
  String describe();

  /** How the engine's connections are used now ({@link Engine#connections}). */
  java.util.Map<String, Integer> connections();

  /** A new session on its own connection; close it when the job is done. */
  WorkspaceSession session();

  @Override
  void close();
}
