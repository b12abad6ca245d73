package io.tdx.workspace;

import io.tdx.config.TdxConfig;

/**
 * A database engine the workspace can run on, found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.tdx.workspace.WorkspaceDriver}) and chosen by the JDBC URL of
 * {@code workspace.url}. A new engine is one package with a driver, its {@link Engine} and its
 * {@link Dialect}.
 */
public interface WorkspaceDriver {

  /** The engine's name, as the README and logs call it. */
  String name();

  /** Whether this driver serves the JDBC URL. */
  boolean accepts(String url);

  /** Opens the engine (creating the database or schema on first start); throws {@link io.tdx.config.ConfigException} when it cannot. */
  Engine open(TdxConfig config);
}
