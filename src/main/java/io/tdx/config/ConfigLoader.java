package io.tdx.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the configuration file named by {@code TDX_CONF} (default {@code conf/tdx.json}) and
 * applies the environment overrides {@code TDX_HTTP_PORT}, {@code TDX_HTTP_HOST}, {@code TDX_DATA_DIR},
 * {@code TDX_WORKSPACE_URL}, {@code TDX_WORKSPACE_SCHEMA}, {@code TDX_CLUSTER_MEMBERS},
 * {@code TDX_CLUSTER_PORT}, {@code TDX_CLUSTER_HOST} and
 * {@code TDX_S3_PATH_STYLE}. The file's
 * path is kept as {@code configFile}, so services can be reloaded from it.
 */
public final class ConfigLoader {
  public static final String DEFAULT_PATH = "conf/tdx.json";

  private ConfigLoader() {
  }

  public static JsonObject load(Map<String, String> env) {
    Path path = Path.of(env.getOrDefault("TDX_CONF", DEFAULT_PATH));
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(path));
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration " + path.toAbsolutePath() + ": " + e);
    } catch (DecodeException e) {
      throw new ConfigException("configuration " + path.toAbsolutePath() + " is not valid JSON: " + e.getMessage());
    }
    return applyEnvironment(json, env).put("configFile", path.toAbsolutePath().toString());
  }

  /** The services declared in a configuration file, for a reload. */
  public static io.vertx.core.json.JsonArray services(Path path) {
    return load(Map.of("TDX_CONF", path.toString())).getJsonArray("services");
  }

  public static JsonObject applyEnvironment(JsonObject json, Map<String, String> env) {
    JsonObject result = json.copy();
    String port = env.get("TDX_HTTP_PORT");
    if (port != null) {
      try {
        JsonObject http = result.getJsonObject("http", new JsonObject());
        result.put("http", http.put("port", Integer.parseInt(port.strip())));
      } catch (NumberFormatException e) {
        throw new ConfigException("TDX_HTTP_PORT must be a port number, got '" + port + "'");
      }
    }
    String host = env.get("TDX_HTTP_HOST");
    if (host != null && !host.isBlank()) {
      JsonObject http = result.getJsonObject("http", new JsonObject());
      result.put("http", http.put("host", host.strip()));
    }
    String dataDir = env.get("TDX_DATA_DIR");
    if (dataDir != null && !dataDir.isBlank()) {
      result.put("dataDir", dataDir);
    }
    JsonObject workspace = result.getJsonObject("workspace", new JsonObject());
    String url = env.get("TDX_WORKSPACE_URL");
    if (url != null && !url.isBlank()) {
      result.put("workspace", workspace.put("url", url.strip()));
    }
    String schema = env.get("TDX_WORKSPACE_SCHEMA");
    if (schema != null && !schema.isBlank()) {
      result.put("workspace", workspace.put("schema", schema.strip()));
    }
    applyCluster(result, env);
    String pathStyle = env.get("TDX_S3_PATH_STYLE");
    if (pathStyle != null && !pathStyle.isBlank()) {
      JsonObject files = result.getJsonObject("files", new JsonObject());
      JsonObject s3 = files.getJsonObject("s3", new JsonObject());
      result.put("files", files.put("s3", s3.put("pathStyle", Boolean.parseBoolean(pathStyle.strip()))));
    }
    return result;
  }

  /** {@code TDX_CLUSTER_MEMBERS}, {@code TDX_CLUSTER_PORT}, {@code TDX_CLUSTER_HOST}: the cluster's members and this node's place. */
  private static void applyCluster(JsonObject result, Map<String, String> env) {
    JsonObject cluster = result.getJsonObject("cluster", new JsonObject());
    String members = env.get("TDX_CLUSTER_MEMBERS");
    if (members != null && !members.isBlank()) {
      cluster.put("members", ClusterConfig.parseMembers(members));
    }
    String port = env.get("TDX_CLUSTER_PORT");
    if (port != null && !port.isBlank()) {
      try {
        cluster.put("port", Integer.parseInt(port.strip()));
      } catch (NumberFormatException e) {
        throw new ConfigException("TDX_CLUSTER_PORT must be a port number, got '" + port + "'");
      }
    }
    String host = env.get("TDX_CLUSTER_HOST");
    if (host != null && !host.isBlank()) {
      cluster.put("host", host.strip());
    }
    if (!cluster.isEmpty()) {
      result.put("cluster", cluster);
    }
  }
}
