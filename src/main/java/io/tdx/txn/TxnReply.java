package io.tdx.txn;

import io.tdx.problem.ProblemException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * A transaction owner's answer: a document (transaction or part), the file behind a part when
 * asked, or the problem that refused the request.
 */
public record TxnReply(JsonObject document, Path file, ProblemException problem) {

  public static TxnReply of(JsonObject document) {
    return new TxnReply(document, null, null);
  }

  public static TxnReply refused(ProblemException problem) {
    return new TxnReply(null, null, problem);
  }
}
