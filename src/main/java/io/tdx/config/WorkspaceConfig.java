package io.tdx.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The workspace database (configuration field {@code workspace}).
 *
 * @param url         JDBC URL; default an embedded DuckDB file {@code workspace.duckdb} in the data directory
 * @param workers     worker verticles that run imports and exports (each one job at a time)
 * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 1GB}; beyond it DuckDB spills to disk
 * @param threads     DuckDB's {@code threads}
 */
public record WorkspaceConfig(String url, int workers, String memoryLimit, int threads) {

  static WorkspaceConfig from(JsonObject json, Path dataDir) {
    JsonObject j = json == null ? new JsonObject() : json;
    String url = j.getString("url", "jdbc:duckdb:" + dataDir.resolve("workspace.duckdb"));
    if (!url.startsWith("jdbc:duckdb:")) {
      throw new ConfigException("workspace: field 'url': only embedded DuckDB (jdbc:duckdb:...) is supported so far, got " + url);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    WorkspaceConfig config = new WorkspaceConfig(url, j.getInteger("workers", Math.max(2, cores)),
      j.getString("memoryLimit", "1GB"), j.getInteger("threads", cores));
    if (config.workers < 1 || config.threads < 1) {
      throw new ConfigException("workspace: fields 'workers' and 'threads' must be at least 1");
    }
    return config;
  }
}
