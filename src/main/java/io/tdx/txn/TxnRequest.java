package io.tdx.txn;

import io.tdx.load.ImportOptions;
import io.tdx.problem.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages a transaction's owner understands (contract version {@link TxnCodec#VERSION}): sent
 * to {@link TxnAddresses#of}; {@link Begin} goes to {@link TxnAddresses#start}, the listings to
 * a node's owners, {@link ReadResult} and {@link ResultRemoval} to a node's results. Each is
 * answered with a {@link TxnReply}. Every field is a value that crosses a cluster as JSON
 * ({@link #toJson}, {@link #fromJson}) plus, for a body's bytes, one binary buffer
 * ({@link #data}): nothing is passed by reference but within one process.
 */
public sealed interface TxnRequest {

  /**
   * What a transaction that is not there answers, and what one of another principal answers
   * too (so that an id reveals nothing).
   */
  static ProblemException unknownTransaction(String txn) {
    return new ProblemException(404, "unknown-transaction", "Unknown transaction",
      "no transaction " + txn + " (never started, or purged after its retention time)").with("transaction", txn);
  }

  /** The message as JSON; its {@code type} names the record. */
  JsonObject toJson();

  /** The bytes it carries beside its JSON (a body, a chunk of one), or null. */
  default Buffer data() {
    return null;
  }

  /**
   * Starts a transaction; replies with its document. {@code lbAsync}, for a single request sent
   * with {@code lb_async=true}, says how that request asked to be answered (its {@code Accept}).
   */
  record Begin(boolean async, JsonObject lbAsync, String principal) implements TxnRequest {
    public Begin(boolean async) {
      this(async, null, null);
    }

    public JsonObject toJson() {
      return new JsonObject().put("type", "Begin").put("async", async).put("lbAsync", lbAsync).put("principal", principal);
    }
  }

  /**
   * Adds a part to the service at prefix {@code service}; {@code uri} when its file is named by
   * URI (imported from it, or exported to it). Replies with the part's document and, for an
   * import, the file (on the owner's node) to spool its body to, or no file when the body,
   * {@code plain} (no content coding) and small, is to be sent in memory.
   */
  record AddPart(String service, String method, ImportOptions options, long contentLength, String uri,
                 boolean plain) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "AddPart").put("service", service).put("method", method)
        .put("options", options == null ? null : new JsonObject().put("abortOnError", options.abortOnError())
          .put("returnErrors", options.returnErrors().name()).put("ignoreUnknownColumns", options.ignoreUnknownColumns()))
        .put("contentLength", contentLength).put("uri", uri).put("plain", plain);
    }
  }

  /**
   * The part's body is received ({@code error} null), spooled or in {@code memory}, or could not
   * be ({@code status} the one a request of its own would have had).
   */
  record PartReceived(String part, long bytes, String error, int status, Buffer memory) implements TxnRequest {
    public PartReceived(String part, long bytes, String error, int status) {
      this(part, bytes, error, status, null);
    }

    public JsonObject toJson() {
      return new JsonObject().put("type", "PartReceived").put("part", part).put("bytes", bytes).put("error", error)
        .put("status", status);
    }

    @Override
    public Buffer data() {
      return memory;
    }
  }

  /** How many bytes of a part's body the node receiving it has taken so far (told about once a second). */
  record PartProgress(String part, long bytes) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "PartProgress").put("part", part).put("bytes", bytes);
    }
  }

  /**
   * A chunk of a part's body received on a node other than its owner, appended by the owner to
   * the part's spool file in order; the {@code last} one closes the file and, for a body in a
   * content {@code coding}, decodes it to the end. Replied once written.
   */
  record BodyChunk(String part, Buffer bytes, boolean last, String coding) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "BodyChunk").put("part", part).put("last", last).put("coding", coding);
    }

    @Override
    public Buffer data() {
      return bytes;
    }
  }

  /**
   * The owner checks (a file on its node) or fetches into its spool (a remote file) the URI of
   * a part; replies, once done, with the part's document (READY, or FAILED with why).
   */
  record Fetch(String part) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "Fetch").put("part", part);
    }
  }

  /**
   * Commits the listed parts, run in the order the server received them; {@code count}, when not
   * null, must match in the synchronous protocol and is not checked in the asynchronous one.
   * Without a list (synchronous protocol) it commits the first {@code count} parts once they have arrived.
   */
  record Commit(List<String> parts, Integer count) implements TxnRequest {
    /** Whether this commit lists the same parts as the one taken, in any order: a repeated commit. */
    public boolean sameParts(List<String> committed) {
      return parts != null && committed != null && parts.size() == committed.size()
        && java.util.Set.copyOf(parts).equals(java.util.Set.copyOf(committed));
    }

    public JsonObject toJson() {
      return new JsonObject().put("type", "Commit").put("parts", parts == null ? null : new JsonArray(new ArrayList<>(parts)))
        .put("count", count);
    }
  }

  /** Aborts an open transaction; {@code reason} null when the client asks, else why the server does. */
  record Abort(String reason) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "Abort").put("reason", reason);
    }
  }

  /**
   * Aborts the transaction even while its workspace transaction runs (the DELETE of an
   * {@code lb_async} request's polling URL): it stops at its next read or write of a body or
   * result and rolls back; past that point it finishes as it would have.
   */
  record Cancel(String reason) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "Cancel").put("reason", reason);
    }
  }

  /** A finished transaction leaves its owner's memory; replies with its document (to delete its record and results). */
  record Forget() implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "Forget");
    }
  }

  /** Deletes a result file of a node's result store (its bytes no longer count against the budget). */
  record DeleteResult(String file) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "DeleteResult").put("file", file);
    }
  }

  /** The transaction's document. */
  record Get() implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "Get");
    }
  }

  /** A part's document and result file. */
  record GetPart(String part) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "GetPart").put("part", part);
    }
  }

  /** Replies once the transaction is finished or {@code waitMillis} have passed. */
  record Poll(long waitMillis) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "Poll").put("waitMillis", waitMillis);
    }
  }

  /**
   * The documents of the transactions a node's owners hold that have no record in the workspace
   * yet (open, committing, finished but not yet recorded), optionally in one state, ordered by
   * creation time then id, after that position ({@code afterCreated} null: from the start), at
   * most {@code limit}: replied as {@code {"transactions": [...]}}.
   */
  record ListAll(String state, Instant afterCreated, String afterId, int limit, String principal, boolean newest)
    implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "ListAll").put("state", state).put("principal", principal).put("newest", newest)
        .put("afterCreated", afterCreated == null ? null : afterCreated.toString()).put("afterId", afterId).put("limit", limit);
    }
  }

  /**
   * What a node's owners hold in memory: {@code {"held", "open", "recent"}}: every transaction
   * they hold, the open or committing ones, the finished ones kept for quick answers.
   */
  record Memory() implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "Memory");
    }
  }

  /**
   * Up to {@link #CHUNK} bytes of a result file ({@code MINUTE/NAME} in the result store of the
   * node the request is sent to; a full path is taken for its last two names) from
   * {@code offset}: replied with {@code {"size"}} and the bytes, or {@code 404 result-missing}.
   */
  record ReadResult(String file, long offset) implements TxnRequest {
    public static final int CHUNK = 256 * 1024;

    public JsonObject toJson() {
      return new JsonObject().put("type", "ReadResult").put("file", file).put("offset", offset);
    }
  }

  /**
   * A node that leaves the cluster hands its result files over to another node's result store:
   * bytes of {@code file} (named as in {@link ReadResult}) from {@code offset}; the {@code last}
   * one completes it. Replied once written.
   */
  record StoreResult(String file, long offset, Buffer bytes, boolean last) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "StoreResult").put("file", file).put("offset", offset).put("last", last);
    }

    @Override
    public Buffer data() {
      return bytes;
    }
  }

  /** When and why a node's result store removed a file: {@code {"removed": time or null, "reason"}}. */
  record ResultRemoval(String file) implements TxnRequest {
    public JsonObject toJson() {
      return new JsonObject().put("type", "ResultRemoval").put("file", file);
    }
  }

  /** The message {@link #toJson} and {@link #data} describe. */
  static TxnRequest fromJson(JsonObject json, Buffer data) {
    String type = json.getString("type");
    return switch (type) {
      case "PartProgress" -> new PartProgress(json.getString("part"), json.getLong("bytes"));
      case "Begin" -> new Begin(json.getBoolean("async"), json.getJsonObject("lbAsync"), json.getString("principal"));
      case "AddPart" -> new AddPart(json.getString("service"), json.getString("method"), options(json.getJsonObject("options")),
        json.getLong("contentLength"), json.getString("uri"), json.getBoolean("plain"));
      case "PartReceived" -> new PartReceived(json.getString("part"), json.getLong("bytes"), json.getString("error"),
        json.getInteger("status"), data);
      case "BodyChunk" -> new BodyChunk(json.getString("part"), data, json.getBoolean("last"), json.getString("coding"));
      case "Fetch" -> new Fetch(json.getString("part"));
      case "Commit" -> new Commit(json.getJsonArray("parts") == null ? null
        : json.getJsonArray("parts").stream().map(String::valueOf).toList(), json.getInteger("count"));
      case "Abort" -> new Abort(json.getString("reason"));
      case "Cancel" -> new Cancel(json.getString("reason"));
      case "Forget" -> new Forget();
      case "DeleteResult" -> new DeleteResult(json.getString("file"));
      case "Get" -> new Get();
      case "GetPart" -> new GetPart(json.getString("part"));
      case "Poll" -> new Poll(json.getLong("waitMillis"));
      case "ListAll" -> new ListAll(json.getString("state"),
        json.getString("afterCreated") == null ? null : Instant.parse(json.getString("afterCreated")), json.getString("afterId"),
        json.getInteger("limit"), json.getString("principal"), json.getBoolean("newest", false));
      case "Memory" -> new Memory();
      case "ReadResult" -> new ReadResult(json.getString("file"), json.getLong("offset"));
      case "ResultRemoval" -> new ResultRemoval(json.getString("file"));
      case "StoreResult" -> new StoreResult(json.getString("file"), json.getLong("offset"), data, json.getBoolean("last"));
      default -> throw new IllegalArgumentException("unknown TDX request type " + type);
    };
  }

  private static ImportOptions options(JsonObject json) {
    return json == null ? null : new ImportOptions(json.getBoolean("abortOnError"),
      ImportOptions.ReturnErrors.valueOf(json.getString("returnErrors")), json.getBoolean("ignoreUnknownColumns"));
  }
}
