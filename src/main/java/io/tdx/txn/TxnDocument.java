package io.tdx.txn;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The transaction document: what the server shows of a transaction (its state, its parts and
 * what became of them), records in the workspace and sends between nodes. Every such document
 * is one of these, made by the transaction's owner ({@link Transaction#document}), by its
 * commit ({@link #ended}) or for a transaction whose owner went away ({@link #unfinished}); its
 * JSON form ({@link #toJson}, {@link #fromJson}) is the one documented in the README.
 *
 * @param commit the parts listed at commit, in order (null until it commits)
 * @param node   the node that owns it, in a cluster (its result files are there); null on a server of its own
 * @param lbAsync for a single request sent with {@code lb_async=true}, how it asked to be answered; else null
 * @param principal who started it (it alone, and admins, see it); null on a server without authentication
 * @param progress  while it commits, how far ({@link CommitProgress}); else null
 */
public record TxnDocument(String id, boolean async, TxnState state, Instant created, Instant committed, Instant finished,
                          List<PartDocument> parts, List<String> commit, String cause, String node, JsonObject lbAsync,
                          String principal, JsonObject progress) {

  /**
   * A part of the document.
   *
   * @param status the HTTP status a request of its own would have had, 0 until it ran
   * @param bytes  an import's body: the bytes received so far, as sent (0 for none yet, an export, or a URI)
   */
  public record PartDocument(String id, String txn, String service, String method, PartState state, String uri,
                             JsonObject result, String error, int status, long bytes) {

    /** What became of the part when its transaction ran. */
    PartDocument ran(PartState state, int status, JsonObject result, String error) {
      return new PartDocument(id, txn, service, method, state, uri, result != null ? result : this.result,
        error != null ? error : this.error, status, bytes);
    }

    public JsonObject toJson() {
      JsonObject json = new JsonObject()
        .put("id", id)
        .put("location", "/txn/" + txn + "/" + id)
        .put("service", service)
        .put("method", method)
        .put("state", state.name());
      if (uri != null) {
        json.put("uri", uri);
      }
      if (result != null) {
        json.put("result", result);
      }
      if (error != null) {
        json.put("error", error);
      }
      if (status != 0) {
        json.put("status", status);
      }
      if (bytes > 0) {
        json.put("bytes", bytes);
      }
      return json;
    }

    static PartDocument fromJson(String txn, JsonObject json) {
      return new PartDocument(json.getString("id"), txn, json.getString("service"), json.getString("method"),
        PartState.valueOf(json.getString("state")), json.getString("uri"), json.getJsonObject("result"), json.getString("error"),
        json.getInteger("status", 0), json.getLong("bytes", 0L));
    }
  }

  /**
   * The final document of a transaction whose owner went away (it stopped, or left the cluster)
   * while it was open ({@code ABORTED}) or committing ({@code FAILED}: the database rolled its
   * transaction back); its parts are not known any more.
   */
  static TxnDocument unfinished(String id, boolean async, Instant created, boolean committing, Instant now, String cause,
                                String principal) {
    return new TxnDocument(id, async, committing ? TxnState.FAILED : TxnState.ABORTED, created, null, now, List.of(), null,
      cause, null, null, principal, null);
  }

  /** The document once the commit ran: its end, and each part's outcome. */
  TxnDocument ended(TxnState state, Instant finished, String cause, List<TransactionJob.PartOutcome> outcomes) {
    List<PartDocument> ran = new ArrayList<>();
    for (PartDocument part : parts) {
      ran.add(outcomes.stream().filter(o -> o.id().equals(part.id())).findFirst()
        .map(o -> part.ran(o.state(), o.status(), o.result(), o.error())).orElse(part));
    }
    return new TxnDocument(id, async, state, created, committed, finished, List.copyOf(ran), commit,
      cause != null ? cause : this.cause, node, lbAsync, principal, null);
  }

  public boolean isFinished() {
    return finished != null;
  }

  public JsonObject toJson() {
    JsonArray partsJson = new JsonArray();
    parts.forEach(p -> partsJson.add(p.toJson()));
    JsonObject json = new JsonObject()
      .put("id", id)
      .put("location", "/txn/" + id)
      .put("async", async)
      .put("state", state.name())
      .put("created", created == null ? null : created.toString())
      .put("committed", committed == null ? null : committed.toString())
      .put("finished", finished == null ? null : finished.toString())
      .put("parts", partsJson);
    if (commit != null) {
      json.put("commit", new JsonArray(new ArrayList<>(commit)));
    }
    if (cause != null) {
      json.put("cause", cause);
    }
    if (node != null) {
      json.put("node", node);
    }
    if (lbAsync != null) {
      json.put("lb_async", lbAsync);
    }
    if (principal != null) {
      json.put("principal", principal);
    }
    if (progress != null) {
      json.put("progress", progress);
    }
    return json;
  }

  /** The document its JSON describes (as a record in the workspace, or a message from another node, holds it). */
  public static TxnDocument fromJson(JsonObject json) {
    String id = json.getString("id");
    List<PartDocument> parts = json.getJsonArray("parts", new JsonArray()).stream()
      .map(p -> PartDocument.fromJson(id, (JsonObject) p)).toList();
    JsonArray commit = json.getJsonArray("commit");
    return new TxnDocument(id, json.getBoolean("async", true), TxnState.valueOf(json.getString("state")),
      instant(json.getString("created")), instant(json.getString("committed")), instant(json.getString("finished")), parts,
      commit == null ? null : commit.stream().map(String::valueOf).toList(), json.getString("cause"), json.getString("node"),
      json.getJsonObject("lb_async"), json.getString("principal"), json.getJsonObject("progress"));
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
