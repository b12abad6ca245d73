package io.tdx.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What an import did: rows read, inserted, updated, deleted and rejected; the first rejected
 * rows as typed objects ({@link #firstErrors()}, as many as the server's summary carries;
 * {@link #errorsTruncated()} when there were more) and, when one was asked for and there were
 * rejected rows, the whole error file as saved ({@link #errorFile()}).
 */
public record ImportOutcome(String service, String method, boolean aborted, long read, long inserted, long updated,
                            long deleted, long rejected, List<RejectedRow> firstErrors, boolean errorsTruncated,
                            Optional<Path> errorFile) {

  static ImportOutcome fromJson(JsonObject summary, Path errorFile) {
    List<RejectedRow> errors = summary.getJsonArray("errors", new JsonArray()).stream()
      .map(e -> RejectedRow.fromJson((JsonObject) e)).toList();
    return new ImportOutcome(summary.getString("service"), summary.getString("method"), summary.getBoolean("aborted", false),
      summary.getLong("read", 0L), summary.getLong("inserted", 0L), summary.getLong("updated", 0L),
      summary.getLong("deleted", 0L), summary.getLong("rejected", 0L), errors, summary.getBoolean("errorsTruncated", false),
      Optional.ofNullable(errorFile));
  }

  /** These counts with the first rejected rows read back from the saved error file. */
  ImportOutcome withErrors(List<RejectedRow> first, Path file) {
    return new ImportOutcome(service, method, aborted, read, inserted, updated, deleted, rejected, first, rejected > first.size(),
      Optional.of(file));
  }

  /** One line for people. */
  public String summary() {
    return method + " " + service + (aborted ? ": aborted, nothing written; " : ": ") + read + " rows read, " + inserted
      + " inserted, " + updated + " updated, " + deleted + " deleted, " + rejected + " rejected";
  }
}
