package io.tdx.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The workspace database (configuration field {@code workspace}). The JDBC URL chooses the engine.
 *
 * @param url              JDBC URL ({@code TDX_WORKSPACE_URL}); default an embedded DuckDB file {@code workspace.duckdb} in the data directory
 * @param schema           the schema of the service tables on a server database ({@code TDX_WORKSPACE_SCHEMA}; default {@code public})
 * @param workers          worker verticles that run imports and exports (each one job at a time)
 * @param memoryLimit      DuckDB's {@code memory_limit}, e.g. {@code 1GB}; beyond it DuckDB spills to disk
 * @param threads          DuckDB's {@code threads}
 * @param poolSize         connections of a server database's pool (default: workers, readers and the server's own, {@code workers + 4})
 * @param connectSeconds   how long a job waits for a connection of a server database before it is refused with 503
 * @param statementTimeoutSeconds a server database's {@code statement_timeout} (0: none)
 * @param lockTimeoutSeconds a server database's {@code lock_timeout} (0: none)
 * @param retries          how many times a transaction that lost a serialization conflict or a deadlock is run again
 */
public record WorkspaceConfig(String url, String schema, int workers, String memoryLimit, int threads, int poolSize,
                              int connectSeconds, int statementTimeoutSeconds, int lockTimeoutSeconds, int retries) {

  static WorkspaceConfig from(JsonObject json, Path dataDir) {
    JsonObject j = json == null ? new JsonObject() : json;
    String url = j.getString("url", "jdbc:duckdb:" + dataDir.resolve("workspace.duckdb"));
    if (!url.startsWith("jdbc:")) {
      throw new ConfigException("workspace: field 'url' must be a JDBC URL (jdbc:duckdb:... or jdbc:postgresql://...), got " + url);
    }
    String schema = j.getString("schema", "public");
    if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new ConfigException("workspace: field 'schema' must be a plain SQL identifier (letters, digits, _), got '" + schema + "'");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int workers = j.getInteger("workers", Math.max(2, cores));
    WorkspaceConfig config = new WorkspaceConfig(url, schema, workers, j.getString("memoryLimit", "1GB"),
      j.getInteger("threads", cores), j.getInteger("poolSize", workers + 4), j.getInteger("connectSeconds", 5),
      j.getInteger("statementTimeoutSeconds", 0), j.getInteger("lockTimeoutSeconds", 0), j.getInteger("retries", 3));
    if (config.workers < 1 || config.threads < 1) {
      throw new ConfigException("workspace: fields 'workers' and 'threads' must be at least 1");
    }
    if (config.poolSize < config.workers + 1) {
      throw new ConfigException("workspace: field 'poolSize' must be more than 'workers' (" + config.workers
        + "): each worker holds a connection while it runs a job, and readers need one too");
    }
    if (config.connectSeconds < 1 || config.statementTimeoutSeconds < 0 || config.lockTimeoutSeconds < 0 || config.retries < 0) {
      throw new ConfigException("workspace: 'connectSeconds' must be at least 1; 'statementTimeoutSeconds', "
        + "'lockTimeoutSeconds' and 'retries' at least 0");
    }
    return config;
  }
}
