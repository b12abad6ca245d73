package io.tdx.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * A typed view of a transaction document: its state ({@code OPEN}, {@code COMMITTING},
 * {@code COMMITTED}, {@code FAILED}, {@code ABORTED}), why it failed, and its parts with their
 * states and results; {@link #document()} is the document as the server sent it.
 */
public record TxnOutcome(String id, boolean async, String state, String cause, List<PartOutcome> parts, JsonObject document) {

  /**
   * One part: its id, method and service, state, the HTTP status of its own answer (0 before it
   * ran; 424 for a part undone because another failed), the error that failed it, and its result
   * (an import's counts, an export's rows).
   */
  public record PartOutcome(String id, String method, String service, String state, int status, String error,
                            Optional<String> uri, JsonObject result) {

    /** The import's counts, for an import part that ran. */
    public Optional<ImportOutcome> importOutcome() {
      return result != null && result.containsKey("read") ? Optional.of(ImportOutcome.fromJson(result, null)) : Optional.empty();
    }
  }

  static TxnOutcome fromJson(JsonObject document) {
    List<PartOutcome> parts = document.getJsonArray("parts", new JsonArray()).stream().map(p -> (JsonObject) p)
      .map(p -> new PartOutcome(p.getString("id"), p.getString("method"), p.getString("service"), p.getString("state"),
        p.getInteger("status", 0), p.getString("error"), Optional.ofNullable(p.getString("uri")), p.getJsonObject("result")))
      .toList();
    return new TxnOutcome(document.getString("id"), document.getBoolean("async", false), document.getString("state"),
      document.getString("cause"), parts, document);
  }

  public boolean committed() {
    return "COMMITTED".equals(state);
  }

  /** Whether the transaction has ended, one way or another. */
  public boolean finished() {
    return committed() || "FAILED".equals(state) || "ABORTED".equals(state);
  }

  /** The part that failed the transaction, if one did (not one undone because of it: 424). */
  public Optional<PartOutcome> failedPart() {
    return parts.stream().filter(p -> "FAILED".equals(p.state()) && p.status() != 424).findFirst();
  }

  public Optional<PartOutcome> part(String id) {
    return parts.stream().filter(p -> p.id().equals(id)).findFirst();
  }
}
