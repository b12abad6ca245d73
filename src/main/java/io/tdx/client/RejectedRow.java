package io.tdx.client;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row the server rejected: its line in the file, its fields by column name, why (human text)
 * and the stable cause code ({@code INVALID_VALUE}, {@code UNKNOWN_REFERENCE}, ...).
 */
public record RejectedRow(long line, Map<String, String> columns, String cause, String causeCode) {

  static RejectedRow fromJson(JsonObject json) {
    Map<String, String> columns = new LinkedHashMap<>();
    json.getJsonObject("row", new JsonObject()).forEach(e -> columns.put(e.getKey(), e.getValue() == null ? null : e.getValue().toString()));
    return new RejectedRow(json.getLong("line", 0L), Map.copyOf(columns), json.getString("cause"), json.getString("causeCode"));
  }
}
