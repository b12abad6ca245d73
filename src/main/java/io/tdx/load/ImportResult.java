package io.tdx.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * What an import did: row counts, the first rejected rows and the spooled error file (the
 * header of the file, then {@code LINE}, {@code CAUSE} and {@code CAUSE_CODE}).
 *
 * @param aborted true when {@code abort_on_error} rolled the import back
 * @param causes  the rejected rows by {@code CAUSE_CODE}
 */
public record ImportResult(
  String service,
  ImportMode mode,
  long read,
  long inserted,
  long updated,
  long deleted,
  long rejected,
  List<String> header,
  List<RowError> firstErrors,
  Path errorFile,
  boolean aborted,
  java.util.Map<String, Long> causes) {

  public JsonObject toJson() {
    JsonArray errors = new JsonArray();
    firstErrors.forEach(e -> errors.add(e.toJson(header)));
    JsonObject json = new JsonObject()
      .put("service", service)
      .put("method", mode.method())
      .put("aborted", aborted)
      .put("read", read)
      .put("inserted", inserted)
      .put("updated", updated)
      .put("deleted", deleted)
      .put("rejected", rejected)
      .put("errors", errors)
      .put("errorsTruncated", rejected > firstErrors.size());
    if (!causes.isEmpty()) {
      json.put("causes", new JsonObject(new java.util.LinkedHashMap<>(causes)));
    }
    return json;
  }

  /** One line for terminals. */
  public String toText() {
    return text(toJson());
  }

  /** The one-line summary of an import's JSON summary (as {@link #toJson()} gives it). */
  public static String text(JsonObject summary) {
    return summary.getString("method") + " " + summary.getString("service")
      + (summary.getBoolean("aborted", false) ? ": aborted, nothing written; " : ": ")
      + summary.getLong("read") + " rows read, " + summary.getLong("inserted") + " inserted, "
      + summary.getLong("updated") + " updated, " + summary.getLong("deleted") + " deleted, "
      + summary.getLong("rejected") + " rejected\n";
  }
}
