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
 */
public record FilesConfig(List<Path> roots, boolean overwrite) {

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
    return new FilesConfig(List.copyOf(roots), j.getBoolean("overwrite", false));
  }
}
