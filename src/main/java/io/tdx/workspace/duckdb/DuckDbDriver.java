package io.tdx.workspace.duckdb;

import io.tdx.config.TdxConfig;
import io.tdx.workspace.Engine;
import io.tdx.workspace.WorkspaceDriver;

/** The embedded DuckDB workspace ({@code jdbc:duckdb:FILE}), the default: no setup, one process. */
public final class DuckDbDriver implements WorkspaceDriver {

  @Override
  public String name() {
    return "DuckDB";
  }

  @Override
  public boolean accepts(String url) {
    return url.startsWith("jdbc:duckdb:");
  }

  @Override
  public Engine open(TdxConfig config) {
    return DuckDbEngine.open(config);
  }
}
