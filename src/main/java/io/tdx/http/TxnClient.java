package io.tdx.http;

import io.tdx.problem.ProblemException;
import io.tdx.txn.ResultFiles;
import io.tdx.txn.ResultStore;
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
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The HTTP side's way to the transaction owners: requests by reference, refusals as problems.
 * A transaction no owner holds any more answers from its record in the workspace.
 */
final class TxnClient {
  private static final long TIMEOUT_MILLIS = 30_000;
  /** How long a held synchronous request may wait for its transaction. */
  static final long HOLD_MILLIS = 24L * 3600 * 1000;
  private final Vertx vertx;
  private final String prefix;
  private final int owners;
  private final Jobs jobs;
  private final Path results;

  TxnClient(Vertx vertx, String prefix, int owners, Jobs jobs, Path results) {
    this.vertx = vertx;
    this.prefix = prefix;
    this.owners = owners;
    this.jobs = jobs;
    this.results = results;
  }

  /** When a document's transaction was created; a record recovered without it, when it ended (as the workspace orders it). */
  static Instant created(JsonObject document) {
    String created = document.getString("created");
    return Instant.parse(created != null ? created : document.getString("finished"));
  }

  Future<TxnReply> begin(boolean async) {
    return request(TxnAddresses.start(prefix), new TxnRequest.Begin(async), TIMEOUT_MILLIS, null);
  }

  Future<TxnReply> send(String txn, TxnRequest request) {
    long timeout = request instanceof TxnRequest.Poll poll ? poll.waitMillis() + TIMEOUT_MILLIS : TIMEOUT_MILLIS;
    return request(TxnAddresses.of(prefix, txn), request, timeout, txn);
  }

  /**
   * Up to {@code limit} + 1 documents in creation order (then id) after the given position: the
   * owners' unrecorded transactions (asked first, so that one recorded meanwhile is in the
   * workspace when it is read) merged with the workspace's records.
   */
  Future<List<JsonObject>> list(String state, Instant afterCreated, String afterId, int limit) {
    TxnRequest.ListAll listing = new TxnRequest.ListAll(state, afterCreated, afterId, limit + 1);
    List<Future<TxnReply>> replies = IntStream.range(0, owners)
      .mapToObj(i -> request(TxnAddresses.owner(prefix, i), listing, TIMEOUT_MILLIS, null))
      .toList();
    return Future.all(new ArrayList<>(replies)).compose(all -> {
      List<JsonObject> held = new ArrayList<>();
      replies.forEach(r -> r.result().document().getJsonArray("transactions").forEach(d -> held.add((JsonObject) d)));
      // parsing, merging and sorting a thousand documents is work for a worker, not an event loop
      return jobs.read(workspace -> {
        try (var session = workspace.session()) {
          return merge(session.listTransactions(state, afterCreated, afterId, limit + 1), held, limit + 1);
        }
      });
    });
  }

  /** The records and the held documents as one list in creation order, then id, each transaction once, at most {@code max}. */
  private static List<JsonObject> merge(List<String> recorded, List<JsonObject> held, int max) {
    record Keyed(Instant created, String id, JsonObject document) {
    }
    Map<String, Keyed> byId = new LinkedHashMap<>();
    recorded.forEach(d -> {
      JsonObject document = new JsonObject(d);
      byId.put(document.getString("id"), new Keyed(created(document), document.getString("id"), document));
    });
    held.forEach(d -> byId.putIfAbsent(d.getString("id"), new Keyed(created(d), d.getString("id"), d)));
    return byId.values().stream()
      .sorted(Comparator.comparing(Keyed::created).thenComparing(Keyed::id))
      .limit(max)
      .map(Keyed::document)
      .toList();
  }

  /** What the owners hold in memory, summed: {@code {"held", "open", "recent"}}. */
  Future<JsonObject> memory() {
    List<Future<TxnReply>> replies = IntStream.range(0, owners)
      .mapToObj(i -> request(TxnAddresses.owner(prefix, i), new TxnRequest.Memory(), TIMEOUT_MILLIS, null))
      .toList();
    return Future.all(new ArrayList<>(replies)).map(all -> {
      JsonObject sum = new JsonObject().put("held", 0).put("open", 0).put("recent", 0);
      replies.forEach(r -> r.result().document().forEach(e -> sum.put(e.getKey(), sum.getInteger(e.getKey()) + (Integer) e.getValue())));
      return sum.put("owners", owners);
    });
  }

  /** When and why a result file went: {@code {"removed": time or null, "reason"}}. */
  Future<JsonObject> removal(Path file) {
    return vertx.eventBus().<JsonObject>request(TxnAddresses.results(prefix), new ResultStore.Removal(file),
      LocalCodec.options(TIMEOUT_MILLIS)).map(reply -> reply.body());
  }

  private Future<TxnReply> request(String address, TxnRequest request, long timeout, String txn) {
    return vertx.eventBus().<TxnReply>request(address, request, LocalCodec.options(timeout))
      .map(reply -> reply.body())
      .recover(e -> txn != null && ownerLetGo(e) ? recorded(txn, request) : Future.failedFuture(e))
      .compose(reply -> reply.problem() == null ? Future.succeededFuture(reply) : Future.failedFuture(reply.problem()));
  }

  /**
   * Whether a request failed because no owner holds its transaction: none listens at its
   * address, or the owner let the transaction go while the request waited in its queue
   * (Vert.x discards the queue of a consumer it unregisters, failing each request as a
   * TIMEOUT whose message says so, long before the request's own timeout).
   */
  static boolean ownerLetGo(Throwable failure) {
    return failure instanceof ReplyException reply
      && (reply.failureType() == ReplyFailure.NO_HANDLERS
        || reply.failureType() == ReplyFailure.TIMEOUT && String.valueOf(reply.getMessage()).startsWith("Discarded the request"));
  }

  private static final java.util.regex.Pattern UUID_FORM =
    java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * A transaction no owner holds (finished and left memory, or finished before a restart)
   * answers from its record in the workspace, read beside the workers rather than behind them.
   */
  private Future<TxnReply> recorded(String txn, TxnRequest request) {
    // the server names transactions with UUIDs: any other id has no record to look for
    Future<java.util.Optional<String>> lookup = !UUID_FORM.matcher(txn).matches()
      ? Future.succeededFuture(java.util.Optional.empty())
      : jobs.read(workspace -> {
        try (var session = workspace.session()) {
          return session.findTransaction(txn);
        }
      });
    return lookup.map(found -> {
      if (found.isEmpty()) {
        return TxnReply.refused(new ProblemException(404, "unknown-transaction", "Unknown transaction",
          "no transaction " + txn + " (never started, or purged after its retention time)").with("transaction", txn));
      }
      JsonObject document = new JsonObject(found.get());
      if (request instanceof TxnRequest.Get || request instanceof TxnRequest.Poll
        || request instanceof TxnRequest.Abort && "ABORTED".equals(document.getString("state"))
        || request instanceof TxnRequest.Commit commit && commit.parts() != null
          && new JsonArray(List.copyOf(commit.parts())).equals(document.getJsonArray("commit"))) {
        return TxnReply.of(document); // as its owner answered: a repeated abort or commit is idempotent
      }
      if (request instanceof TxnRequest.GetPart get) {
        return document.getJsonArray("parts", new JsonArray()).stream().map(JsonObject.class::cast)
          .filter(p -> p.getString("id").equals(get.part())).findFirst()
          .map(p -> new TxnReply(p, ResultFiles.hasCsv(p) ? ResultFiles.of(results, document, get.part()) : null, null))
          .orElse(TxnReply.refused(new ProblemException(404, "unknown-part", "Unknown part",
            "transaction " + txn + " has no part " + get.part())));
      }
      return TxnReply.refused(new ProblemException(409, "transaction-not-open", "Transaction not open",
        "transaction " + txn + " is " + document.getString("state")).with("state", document.getString("state")));
    });
  }
}
