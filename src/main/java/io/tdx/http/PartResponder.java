package io.tdx.http;

import io.tdx.load.ImportResult;
import io.tdx.problem.ProblemException;
import io.tdx.txn.TxnReply;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a held part of a synchronous transaction once the transaction is finished, with that
 * part's own result: an export's CSV, an import's summary or error file as a request of its own
 * would get, the failing part's error, {@code 424 Failed Dependency} for its siblings.
 */
final class PartResponder {
  private PartResponder() {
  }

  static void respond(RoutingContext ctx, TxnClient txns, JsonObject txn, TxnReply reply) {
    JsonObject part = reply.document();
    String state = part.getString("state");
    if ("DONE".equals(state)) {
      done(ctx, txns, part, reply);
    } else if ("FAILED".equals(state)) {
      failed(ctx, txns, part, reply, txn);
    } else {
      ctx.fail(new ProblemException(409, "transaction-aborted", "Transaction aborted",
        "transaction " + txn.getString("id") + " ended " + txn.getString("state") + ": " + txn.getString("cause"))
        .with("transaction", txn));
    }
  }

  private static void done(RoutingContext ctx, TxnClient txns, JsonObject part, TxnReply reply) {
    HttpServerResponse response = ctx.response();
    if ("GET".equals(part.getString("method"))) {
      if (part.getString("uri") != null) {
        JsonResponse.end(response, part.getJsonObject("result")); // written to its URI: its summary, as alone
        return;
      }
      CsvFileResponse.send(ctx, txns, reply).onFailure(ctx::fail);
      return;
    }
    JsonObject result = part.getJsonObject("result");
    ImportResponder.counts(response, result);
    if (Negotiation.wantsJson(ctx)) {
      JsonResponse.end(response, result);
    } else if (result.getLong("rejected", 0L) > 0) {
      CsvFileResponse.send(ctx, txns, reply).onFailure(ctx::fail);
    } else {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(ImportResult.text(result));
    }
  }

  private static void failed(RoutingContext ctx, TxnClient txns, JsonObject part, TxnReply reply, JsonObject txn) {
    int status = part.getInteger("status", 500);
    if (status == 422 && reply.file() != null && !Negotiation.wantsJson(ctx)) {
      ImportResponder.counts(ctx.response(), part.getJsonObject("result"));
      ctx.response().setStatusCode(422);
      CsvFileResponse.send(ctx, txns, reply).onFailure(ctx::fail);
      return;
    }
    boolean dependent = status == 424;
    ctx.fail(new ProblemException(status, dependent ? "failed-dependency" : "part-failed",
      dependent ? "Failed dependency" : "Part failed", part.getString("error"))
      .with("part", part.getString("id")).with("transaction", txn.getString("id")).with("cause", txn.getString("cause")));
  }
}
