package io.tdx.http;

import io.tdx.auth.Caller;
import io.tdx.problem.ProblemException;
import io.tdx.txn.ResultFiles;
import io.tdx.problem.Failures;
import io.tdx.txn.ClusterTransactions;
import io.tdx.txn.TxnAddresses;
import io.tdx.txn.TxnCodec;
import io.tdx.txn.TxnReply;
import io.tdx.txn.TxnRequest;
import io.tdx.worker.Jobs;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
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

/**
 * The HTTP side's way to the transaction owners, on this node or another one of the cluster:
 * requests ({@link TxnCodec}) with bounded waits, refusals and failures as problems. A
 * transaction no owner holds any more answers from its record in the workspace.
 */
final class TxnClient {
  /** How long a held request (a synchronous part or commit, an asynchronous commit's place in flight) may wait for its transaction. */
  static final long HOLD_MILLIS = 24L * 3600 * 1000;
  /** A wait for a transaction to finish is a series of polls of at most this long: each one finds the owner anew. */
  private static final long POLL_SLICE_MILLIS = 20_000;
  /** How long a wait goes on while a transaction's owner has left the cluster and no survivor has ended it yet. */
  private static final long ORPHAN_WAIT_MILLIS = 120_000;
  private final Vertx vertx;
  private final TxnAddresses addresses;
  private final Jobs jobs;
  private final Path results;
  private final long timeoutMillis;
  private final long fetchMillis;
  private final ClusterTransactions cluster;
  /** Who asks: the principal of the transactions it starts; it sees only those unless it is unrestricted. */
  private final Caller caller;

  /**
   * @param timeoutMillis how long a request to an owner waits for its answer
   * @param fetchMillis   how long an owner may take to fetch a part's file by URI
   */
  TxnClient(Vertx vertx, TxnAddresses addresses, Jobs jobs, Path results, long timeoutMillis, long fetchMillis) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.jobs = jobs;
    this.results = results;
    this.timeoutMillis = timeoutMillis;
    this.fetchMillis = fetchMillis;
    this.cluster = new ClusterTransactions(vertx, addresses.node());
    this.caller = Caller.ANYONE;
  }

  private TxnClient(TxnClient client, Caller caller) {
    this.vertx = client.vertx;
    this.addresses = client.addresses;
    this.jobs = client.jobs;
    this.results = client.results;
    this.timeoutMillis = client.timeoutMillis;
    this.fetchMillis = client.fetchMillis;
    this.cluster = client.cluster;
    this.caller = caller;
  }

  /**
   * This client on behalf of {@code caller}: the transactions it starts are its own, and a
   * transaction of another principal is unknown to it (404, as one that does not exist), unless
   * it is unrestricted (an admin, or a server without authentication).
   */
  TxnClient as(Caller caller) {
    return caller == this.caller ? this : new TxnClient(this, caller);
  }

  /** The principal whose transactions alone this client sees; null when it sees all. */
  private String restrictedTo() {
    return caller.unrestricted() ? null : caller.principal();
  }

  /** This node's name in the cluster ({@code local} on its own). */
  String node() {
    return addresses.node();
  }

  /** When a document's transaction was created; a record recovered without it, when it ended (as the workspace orders it). */
  static Instant created(JsonObject document) {
    String created = document.getString("created");
    return Instant.parse(created != null ? created : document.getString("finished"));
  }

  Future<TxnReply> begin(boolean async) {
    return begin(async, null);
  }

  /** Starts a transaction; {@code lbAsync} for the one of a single request sent with {@code lb_async=true}. */
  Future<TxnReply> begin(boolean async, JsonObject lbAsync) {
    return request(addresses.start(), new TxnRequest.Begin(async, lbAsync, caller.principal()), timeoutMillis, null);
  }

  /**
   * A finished transaction its client is done with: it leaves its owner's memory, its result
   * files leave the result store, and its record the workspace; answers its last document.
   */
  Future<JsonObject> forget(String txn) {
    return send(txn, new TxnRequest.Forget()).compose(reply -> {
      JsonObject document = reply.document();
      String node = document.getString("node", addresses.node());
      List<Future<JsonObject>> deleted = document.getJsonArray("parts", new JsonArray()).stream()
        .map(JsonObject.class::cast).filter(ResultFiles::hasCsv).filter(part -> !ResultFiles.headerOnly(part))
        .map(part -> cluster.resultsHolder(node).compose(holder -> request(addresses.results(holder),
          new TxnRequest.DeleteResult(ResultFiles.of(results, document, part.getString("id")).toString()), timeoutMillis, null))
          .map(TxnReply::document))
        .toList();
      return Future.all(new ArrayList<>(deleted))
        .compose(v -> jobs.run(io.tdx.txn.RecordJobs.delete(txn)))
        .map(v -> document);
    });
  }

  Future<TxnReply> send(String txn, TxnRequest request) {
    long timeout = request instanceof TxnRequest.Poll poll ? poll.waitMillis() + timeoutMillis
      : request instanceof TxnRequest.Fetch ? fetchMillis + timeoutMillis : timeoutMillis;
    return request(addresses.of(txn), request, timeout, txn);
  }

  /**
   * The transaction's document once it is finished, or after {@code maxMillis}: polls of a
   * bounded wait each, so that an owner that leaves the cluster is noticed, and the wait goes
   * on (within a bound) until a survivor has ended the transaction.
   */
  Future<TxnReply> awaitFinished(String txn, long maxMillis) {
    return awaitFinished(txn, System.currentTimeMillis() + maxMillis, 0);
  }

  private Future<TxnReply> awaitFinished(String txn, long deadline, long orphanSince) {
    long left = deadline - System.currentTimeMillis();
    return send(txn, new TxnRequest.Poll(Math.max(0, Math.min(POLL_SLICE_MILLIS, left)))).transform(polled -> {
      long now = System.currentTimeMillis();
      if (polled.succeeded()) {
        return polled.result().document().getString("finished") != null || now >= deadline ? Future.succeededFuture(polled.result())
          : awaitFinished(txn, deadline, 0);
      }
      boolean ownerGone = polled.cause() instanceof ProblemException problem
        && (problem.type().equals("owner-unavailable") || problem.type().equals("owner-timeout"));
      long since = orphanSince == 0 ? now : orphanSince;
      if (!ownerGone || now - since > ORPHAN_WAIT_MILLIS || now >= deadline) {
        return Future.failedFuture(polled.cause());
      }
      Promise<TxnReply> later = Promise.promise();
      vertx.setTimer(500, t -> awaitFinished(txn, deadline, since).onComplete(later));
      return later.future();
    });
  }

  /**
   * Up to {@code limit} + 1 documents in creation order (then id) after the given position: the
   * owners' unrecorded transactions (asked first, so that one recorded meanwhile is in the
   * workspace when it is read) merged with the workspace's records.
   */
  Future<List<JsonObject>> list(String state, Instant afterCreated, String afterId, int limit, boolean newest) {
    TxnRequest.ListAll listing = new TxnRequest.ListAll(state, afterCreated, afterId, limit + 1, restrictedTo(), newest);
    List<Future<TxnReply>> replies = nodes().stream()
      .map(node -> request(addresses.owners(node), listing, timeoutMillis, null))
      .toList();
    return Future.all(new ArrayList<>(replies)).compose(all -> {
      List<JsonObject> held = new ArrayList<>();
      replies.forEach(r -> r.result().document().getJsonArray("transactions").forEach(d -> held.add((JsonObject) d)));
      // parsing, merging and sorting a thousand documents is work for a worker, not an event loop
      return jobs.read(workspace -> {
        try (var session = workspace.session()) {
          return merge(session.listTransactions(state, restrictedTo(), afterCreated, afterId, limit + 1, newest), held, limit + 1,
            newest);
        }
      });
    });
  }

  /** The records and the held documents as one list in creation order, then id, each transaction once, at most {@code max}. */
  private static List<JsonObject> merge(List<String> recorded, List<JsonObject> held, int max, boolean newest) {
    record Keyed(Instant created, String id, JsonObject document) {
    }
    Map<String, Keyed> byId = new LinkedHashMap<>();
    recorded.forEach(d -> {
      JsonObject document = new JsonObject(d);
      byId.put(document.getString("id"), new Keyed(created(document), document.getString("id"), document));
    });
    held.forEach(d -> byId.putIfAbsent(d.getString("id"), new Keyed(created(d), d.getString("id"), d)));
    return byId.values().stream()
      .sorted(newest ? Comparator.comparing(Keyed::created).thenComparing(Keyed::id).reversed()
        : Comparator.comparing(Keyed::created).thenComparing(Keyed::id))
      .limit(max)
      .map(Keyed::document)
      .toList();
  }

  /** The cluster's nodes (this one alone on its own). */
  private List<String> nodes() {
    List<String> members = ClusterTransactions.members(vertx);
    return members.isEmpty() ? List.of(addresses.node()) : members;
  }

  /** What the owners of this node hold in memory, summed: {@code {"held", "open", "recent"}}. */
  Future<JsonObject> memory() {
    return request(addresses.owners(addresses.node()), new TxnRequest.Memory(), timeoutMillis, null).map(TxnReply::document);
  }

  /** When and why a result file of {@code node} went: {@code {"removed": time or null, "reason"}}. */
  Future<JsonObject> removal(String node, Path file) {
    return cluster.resultsHolder(node).compose(holder -> request(addresses.results(holder),
        new TxnRequest.ResultRemoval(file.toString()), timeoutMillis, null))
      .map(TxnReply::document)
      .recover(e -> e instanceof ProblemException gone && gone.type().equals("owner-unavailable")
        ? Future.succeededFuture(new JsonObject().put("removed", null).put("reason", "node " + node
          + ", which held it, is no longer in the cluster and did not hand its results over (it stopped without leaving)"))
        : Future.failedFuture(e));
  }

  /** Up to one chunk of a result file of {@code node} from {@code offset}, with the file's size. */
  Future<TxnReply> readResult(String node, Path file, long offset) {
    return cluster.resultsHolder(node).compose(holder -> request(addresses.results(holder),
      new TxnRequest.ReadResult(file.toString(), offset), timeoutMillis, null));
  }

  private Future<TxnReply> request(String address, TxnRequest request, long timeout, String txn) {
    DeliveryOptions options = TxnCodec.options(timeout);
    if (restrictedTo() != null) {
      options.addHeader(TxnCodec.CALLER, restrictedTo());
    }
    return vertx.eventBus().<TxnReply>request(address, request, options)
      .map(reply -> reply.body())
      .recover(e -> txn != null && (ownerLetGo(e) || ownerSilent(e)) ? recorded(txn, request, e) : Future.failedFuture(Failures.known(e)))
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

  /**
   * Whether an owner did not answer in time: it may have left the cluster (a request already
   * sent to it is not failed, it times out), in which case its transaction's record tells.
   */
  private static boolean ownerSilent(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT;
  }

  private static final java.util.regex.Pattern UUID_FORM =
    java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * A transaction no owner holds (finished and left memory, or finished before a restart)
   * answers from its record in the workspace, read beside the workers rather than behind them.
   */
  private Future<TxnReply> recorded(String txn, TxnRequest request, Throwable failure) {
    // the server names transactions with UUIDs: any other id has no record to look for
    Future<java.util.Optional<String>> lookup = !UUID_FORM.matcher(txn).matches()
      ? Future.succeededFuture(java.util.Optional.empty())
      : jobs.read(workspace -> {
        try (var session = workspace.session()) {
          return session.findTransaction(txn);
        }
      });
    return lookup.compose(found -> found.isPresent() ? Future.succeededFuture(found)
        : cluster.unfinished(txn).map(orphaned -> orphaned ? null : found))
      .compose(found -> ownerSilent(failure) && (found == null || found.isEmpty())
        ? Future.failedFuture(Failures.known(failure)) // no record: the owner is only slow
        : Future.succeededFuture(found))
      .map(found -> {
      if (found == null) {
        return TxnReply.refused(new ProblemException(503, "owner-unavailable", "Owner unavailable",
          "the node that owned transaction " + txn + " left the cluster; a surviving node is ending the transaction")
          .with("transaction", txn).with("retryAfter", 1));
      }
      JsonObject document = found.map(JsonObject::new).orElse(null);
      if (document == null || restrictedTo() != null && !restrictedTo().equals(document.getString("principal"))) {
        return TxnReply.refused(TxnRequest.unknownTransaction(txn));
      }
      if (request instanceof TxnRequest.Get || request instanceof TxnRequest.Poll || request instanceof TxnRequest.Forget
        || request instanceof TxnRequest.Abort && "ABORTED".equals(document.getString("state"))
        || request instanceof TxnRequest.Commit commit && document.getJsonArray("commit") != null
          && commit.sameParts(document.getJsonArray("commit").stream().map(String::valueOf).toList())) {
        return TxnReply.of(document); // as its owner answered: a repeated abort or commit is idempotent
      }
      if (request instanceof TxnRequest.GetPart get) {
        return document.getJsonArray("parts", new JsonArray()).stream().map(JsonObject.class::cast)
          .filter(p -> p.getString("id").equals(get.part())).findFirst()
          .map(p -> TxnReply.withFile(p, document.getString("node", addresses.node()),
            ResultFiles.hasCsv(p) ? ResultFiles.of(results, document, get.part()) : null))
          .orElse(TxnReply.refused(new ProblemException(404, "unknown-part", "Unknown part",
            "transaction " + txn + " has no part " + get.part())));
      }
      return TxnReply.refused(new ProblemException(409, "transaction-not-open", "Transaction not open",
        "transaction " + txn + " is " + document.getString("state")).with("state", document.getString("state")));
    });
  }
}
