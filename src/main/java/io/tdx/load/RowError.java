package io.tdx.load;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A rejected row: the line it starts on, its own fields (in the file's column order), the
 * human cause and the stable cause code.
 */
public record RowError(long line, String[] fields, String cause, CauseCode code) {

  public JsonObject toJson(List<String> header) {
    JsonObject row = new JsonObject();
    for (int i = 0; i < header.size() && i < fields.length; i++) {
      row.put(header.get(i), fields[i]);
    }
    return new JsonObject().put("line", line).put("cause", cause).put("causeCode", code.name()).put("row", row);
  }
}
