package io.tdx.workspace.postgres;

import io.tdx.config.TdxConfig;
import io.tdx.workspace.Engine;
import io.tdx.workspace.WorkspaceDriver;

/** A PostgreSQL (15 or later) workspace ({@code jdbc:postgresql://HOST:PORT/DATABASE?user=...}): a server database several writers share. */
public final class PostgresDriver implements WorkspaceDriver {

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public boolean accepts(String url) {
    return url.startsWith("jdbc:postgresql:");
  }

  @Override
  public Engine open(TdxConfig config) {
    return PostgresEngine.open(config);
  }
}
