package io.tdx.txn;

import io.tdx.problem.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * A transaction owner's answer: a document (transaction or part), the file behind a part when
 * asked (a spool file, a result) with the {@code node} it is on, bytes (a chunk of a result),
 * or the problem that refused the request. It crosses a cluster as JSON plus the bytes
 * ({@link TxnCodec}).
 */
public record TxnReply(JsonObject document, String node, Path file, Buffer data, ProblemException problem) {

  public static TxnReply of(JsonObject document) {
    return new TxnReply(document, null, null, null, null);
  }

  public static TxnReply withFile(JsonObject document, String node, Path file) {
    return new TxnReply(document, node, file, null, null);
  }

  public static TxnReply refused(ProblemException problem) {
    return new TxnReply(null, null, null, null, problem);
  }

  /** Whether the file is on the node named {@code here}. */
  public boolean fileOn(String here) {
    return file != null && (node == null || node.equals(here));
  }

  JsonObject toJson() {
    return new JsonObject().put("document", document).put("node", node).put("file", file == null ? null : file.toString())
      .put("problem", problem == null ? null : problem.toJson(null));
  }

  static TxnReply fromJson(JsonObject json, Buffer data) {
    String file = json.getString("file");
    JsonObject problem = json.getJsonObject("problem");
    return new TxnReply(json.getJsonObject("document"), json.getString("node"), file == null ? null : Path.of(file), data,
      problem == null ? null : ProblemException.fromJson(problem));
  }
}
