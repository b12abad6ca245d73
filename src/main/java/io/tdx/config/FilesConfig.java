package io.tdx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Files by URI (configuration field {@code files}).
 *
 * @param roots     the directories {@code file://} URIs may name (default {@code <dataDir>/files})
 * @param overwrite whether an export may replace an existing file (default false)
 * @param httpAllowHosts   hosts an {@code http(s)://} import may reach even at an internal address
 * @param httpAllowPrivate whether any internal address may be reached (default false: no SSRF)
 * @param httpTimeoutSeconds connect and response time allowed to an {@code http(s)://} fetch
 */
public record FilesConfig(List<Path> roots, boolean overwrite, List<String> httpAllowHosts, boolean httpAllowPrivate,
                          long httpTimeoutSeconds) {

  static FilesConfig from(JsonObject json, Path dataDir) {
    JsonObject j = json == null ? new JsonObject() : json;
    JsonArray configured = j.getJsonArray("roots");
    List<Path> roots = new ArrayList<>();
    if (configured == null || configured.isEmpty()) {
      roots.add(dataDir.resolve("files"));
    } else {
      for (Object root : configured) {
        if (!(root instanceof String path) || path.isBlank()) {
          throw new ConfigException("files: field 'roots' must hold directory paths");
        }
        roots.add(Path.of(path).toAbsolutePath().normalize());
      }
    }
    List<String> hosts = new ArrayList<>();
    for (Object host : j.getJsonArray("httpAllowHosts", new JsonArray())) {
      if (!(host instanceof String name) || name.isBlank()) {
        throw new ConfigException("files: field 'httpAllowHosts' must hold host names");
      }
      hosts.add(name);
    }
    return new FilesConfig(List.copyOf(roots), j.getBoolean("overwrite", false), List.copyOf(hosts),
      j.getBoolean("httpAllowPrivate", false), j.getLong("httpTimeoutSeconds", 300L));
  }
}
