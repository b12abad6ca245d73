package io.tdx.http;

import io.tdx.problem.ProblemException;
import io.tdx.txn.TxnAddresses;
import io.tdx.txn.TxnReply;
import io.tdx.txn.TxnRequest;
import io.tdx.worker.Jobs;
import io.tdx.worker.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** The HTTP side's way to the transaction owners: requests by reference, refusals as problems. */
final class TxnClient {
  private static final long TIMEOUT_MILLIS = 30_000;
  /** How long a held synchronous request may wait for its transaction. */
  static final long HOLD_MILLIS = 24L * 3600 * 1000;
  private final Vertx vertx;
  private final String prefix;
  private final int owners;
  private final Jobs jobs;

  TxnClient(Vertx vertx, String prefix, int owners, Jobs jobs) {
    this.vertx = vertx;
    this.prefix = prefix;
    this.owners = owners;
    this.jobs = jobs;
  }

  Future<TxnReply> begin(boolean async) {
    return request(TxnAddresses.start(prefix), new TxnRequest.Begin(async), TIMEOUT_MILLIS, null);
  }

  Future<TxnReply> send(String txn, TxnRequest request) {
    long timeout = request instanceof TxnRequest.Poll poll ? poll.waitMillis() + TIMEOUT_MILLIS : TIMEOUT_MILLIS;
    return request(TxnAddresses.of(prefix, txn), request, timeout, txn);
  }

  /** Every owner's transactions, oldest first. */
  Future<JsonArray> list(String state) {
    List<Future<TxnReply>> replies = IntStream.range(0, owners)
      .mapToObj(i -> request(TxnAddresses.owner(prefix, i), new TxnRequest.ListAll(state), TIMEOUT_MILLIS, null))
      .toList();
    return Future.all(new ArrayList<>(replies)).map(all -> {
      List<JsonObject> documents = new ArrayList<>();
      replies.forEach(r -> r.result().document().getJsonArray("transactions").forEach(d -> documents.add((JsonObject) d)));
      documents.sort((a, b) -> a.getString("created").compareTo(b.getString("created")));
      return new JsonArray(new ArrayList<>(documents));
    });
  }

  private Future<TxnReply> request(String address, TxnRequest request, long timeout, String txn) {
    return vertx.eventBus().<TxnReply>request(address, request, LocalCodec.options(timeout))
      .map(reply -> reply.body())
      .recover(e -> e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS && txn != null
        ? recorded(txn, request)
        : Future.failedFuture(e))
      .compose(reply -> reply.problem() == null ? Future.succeededFuture(reply) : Future.failedFuture(reply.problem()));
  }

  /** A transaction no owner holds (finished before a restart) answers from its record in the workspace. */
  private Future<TxnReply> recorded(String txn, TxnRequest request) {
    return jobs.run(workspace -> {
      try (var session = workspace.session()) {
        return session.findTransaction(txn);
      }
    }).map(found -> {
      if (found.isEmpty()) {
        return TxnReply.refused(new ProblemException(404, "unknown-transaction", "Unknown transaction",
          "no transaction " + txn + " (never started, or purged after its retention time)").with("transaction", txn));
      }
      JsonObject document = new JsonObject(found.get());
      if (request instanceof TxnRequest.Get || request instanceof TxnRequest.Poll) {
        return TxnReply.of(document);
      }
      if (request instanceof TxnRequest.GetPart get) {
        return document.getJsonArray("parts").stream().map(JsonObject.class::cast)
          .filter(p -> p.getString("id").equals(get.part())).findFirst()
          .map(TxnReply::of)
          .orElse(TxnReply.refused(new ProblemException(404, "unknown-part", "Unknown part",
            "transaction " + txn + " has no part " + get.part())));
      }
      return TxnReply.refused(new ProblemException(409, "transaction-not-open", "Transaction not open",
        "transaction " + txn + " is " + document.getString("state")).with("state", document.getString("state")));
    });
  }
}
