package io.tdx.http;

import io.tdx.load.ImportOptions.ReturnErrors;
import io.tdx.load.ImportResult;
import io.tdx.problem.ProblemException;
import io.tdx.service.Services;
import io.tdx.txn.TxnReply;
import io.tdx.txn.TxnRequest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * LogicBlox's generic asynchronous requests ({@code lb_async=true} on any single import or
 * export): the request runs as a transaction of one part, committed once its body is received;
 * its polling URL answers {@code 200} while it runs and {@code 303} to its response URL once it
 * is done; the response URL answers what the request would have answered synchronously;
 * {@code DELETE} of the response URL frees the result, of the polling URL aborts a request
 * still running. The request's record and result live as a transaction's do (retention, budget,
 * restarts).
 */
final class LbAsyncHandler {
  static final String POLLING = "/tdx/async";
  static final String RESPONSE = "/tdx/async/response";
  private final TxnClient client;
  private final Supplier<Services> services;

  LbAsyncHandler(TxnClient txns, Supplier<Services> services) {
    this.client = txns;
    this.services = services;
  }

  static String polling(String id) {
    return POLLING + "?lb_async_id=" + id;
  }

  static String response(String id) {
    return RESPONSE + "?lb_async_id=" + id;
  }

  /** How the request asked to be answered, kept with its transaction. */
  static JsonObject origin(RoutingContext ctx, ReturnErrors returnErrors) {
    return new JsonObject().put("accept", ctx.request().getHeader(HttpHeaders.ACCEPT))
      .put("returnErrors", returnErrors == null ? null : returnErrors.name());
  }

  void route(Router router) {
    router.get(POLLING).handler(Parameters.only("lb_async_id", "wait")).handler(this::poll);
    router.delete(POLLING).handler(Parameters.only("lb_async_id", "X-HTTP-Method-Override")).handler(this::cancel);
    router.get(RESPONSE).handler(Parameters.only("lb_async_id")).handler(this::respond);
    // LogicBlox's client adds X-HTTP-Method-Override=GET to the query of this DELETE: accepted, and still a DELETE
    router.delete(RESPONSE).handler(Parameters.only("lb_async_id", "X-HTTP-Method-Override")).handler(this::free);
  }

  /** {@code 200} with Retry-After while it runs ({@code ?wait=S} holds the answer up to S seconds); {@code 303} once done. */
  private void poll(RoutingContext ctx) {
    String id = id(ctx);
    txns(ctx).awaitFinished(id, TxnHandler.waitSeconds(ctx) * 1000).map(reply -> requireAsync(id, reply.document())).onSuccess(txn -> {
      HttpServerResponse response = ctx.response();
      boolean done = txn.getString("finished") != null;
      if (done) {
        response.setStatusCode(303).putHeader(HttpHeaders.LOCATION, AbsoluteUrls.of(ctx, response(id)));
      } else {
        response.putHeader(HttpHeaders.RETRY_AFTER, "1");
      }
      JsonResponse.end(response, new JsonObject().put("lb_async_id", id).put("state", done ? "DONE" : "RUNNING")
        .put("transaction", txn.getString("state")));
    }).onFailure(failure -> ctx.fail(unknown(id, failure)));
  }

  /** Aborts a request still running; a finished one is {@code 409}: its response URL frees it. */
  private void cancel(RoutingContext ctx) {
    String id = id(ctx);
    txns(ctx).send(id, new TxnRequest.Get()).map(reply -> requireAsync(id, reply.document()))
      .compose(txn -> txn.getString("finished") != null
        ? Future.failedFuture(new ProblemException(409, "request-finished", "Request finished", "lb_async request " + id
          + " has finished (" + txn.getString("state") + "); DELETE its response URL to free its result")
          .with("response", AbsoluteUrls.of(ctx, response(id))))
        : txns(ctx).send(id, new TxnRequest.Cancel("aborted by its client (DELETE of the polling URL)")))
      .onSuccess(reply -> JsonResponse.end(ctx.response(), new JsonObject().put("lb_async_id", id)
        .put("state", reply.document().getString("finished") != null ? "ABORTED" : "ABORTING")))
      .onFailure(failure -> ctx.fail(unknown(id, failure)));
  }

  /** What the request would have answered synchronously. */
  private void respond(RoutingContext ctx) {
    String id = id(ctx);
    txns(ctx).send(id, new TxnRequest.Get()).map(reply -> requireAsync(id, reply.document())).compose(txn -> {
      if (txn.getString("finished") == null) {
        return Future.failedFuture(new ProblemException(409, "still-running", "Still running", "lb_async request " + id
          + " is still running: poll " + polling(id) + " until it answers 303").with("state", txn.getString("state")));
      }
      JsonArray parts = txn.getJsonArray("parts", new JsonArray());
      if (parts.isEmpty()) { // ended before its part was known (a restart, or its node left)
        String state = txn.getString("state").toLowerCase(Locale.ROOT);
        return Future.failedFuture(new ProblemException(409, "request-" + state, "Request " + state,
          "lb_async request " + id + " ended " + txn.getString("state") + ": " + txn.getString("cause")));
      }
      return txns(ctx).send(id, new TxnRequest.GetPart(parts.getJsonObject(0).getString("id")))
        .compose(part -> answer(ctx, txn, part));
    }).onFailure(failure -> ctx.fail(unknown(id, failure)));
  }

  private Future<Void> answer(RoutingContext ctx, JsonObject txn, TxnReply reply) {
    JsonObject origin = txn.getJsonObject("lb_async", new JsonObject());
    if (origin.getString("accept") != null) {
      ctx.request().headers().set(HttpHeaders.ACCEPT, origin.getString("accept")); // as the request itself asked
    }
    JsonObject part = reply.document();
    JsonObject summary = part.getJsonObject("result") == null ? null : part.getJsonObject("result").copy();
    if (summary != null) {
      summary.remove("header");
    }
    boolean export = "GET".equals(part.getString("method"));
    String state = part.getString("state");
    HttpServerResponse response = ctx.response();
    if (export && "DONE".equals(state)) {
      return part.getString("uri") != null ? JsonResponse.end(response, summary) : CsvFileResponse.send(ctx, txns(ctx), reply);
    }
    boolean json = Negotiation.wantsJson(ctx);
    if ("DONE".equals(state) || "FAILED".equals(state) && part.getInteger("status", 0) == 422 && summary != null) {
      boolean aborted = "FAILED".equals(state);
      ImportResponder.counts(response, summary);
      if (aborted && json) {
        return Future.failedFuture(ImportResponder.aborted(summary));
      }
      if (json) {
        return JsonResponse.end(response, summary);
      }
      ReturnErrors returnErrors = origin.getString("returnErrors") == null ? ReturnErrors.ON_ERROR
        : ReturnErrors.valueOf(origin.getString("returnErrors"));
      if (!ImportResponder.sendsErrorFile(aborted, returnErrors, summary.getLong("rejected", 0L))) {
        return response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(ImportResult.text(summary));
      }
      response.setStatusCode(aborted ? 422 : 200);
      if (reply.file() == null) {
        return response.putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8").end(TxnHandler.headerOnly(services.get(), part));
      }
      return CsvFileResponse.send(ctx, txns(ctx), reply);
    }
    if ("FAILED".equals(state)) {
      return Future.failedFuture(new ProblemException(part.getInteger("status", 500), "request-failed", "Request failed",
        part.getString("error")).with("cause", txn.getString("cause")));
    }
    return Future.failedFuture(new ProblemException(409, "request-aborted", "Request aborted",
      "lb_async request " + txn.getString("id") + " ended " + txn.getString("state") + ": " + txn.getString("cause")));
  }

  /** Frees a finished request's result: its record and result files go; its URLs answer 404 from then on. */
  private void free(RoutingContext ctx) {
    String id = id(ctx);
    String override = ctx.request().getParam("X-HTTP-Method-Override");
    if (override != null && !override.equals("GET") && !override.equals("DELETE")) {
      throw ProblemException.badRequest("bad-parameter", "Bad query parameter", "X-HTTP-Method-Override=" + override
        + ": this DELETE frees the response (LogicBlox's client sends GET here)");
    }
    txns(ctx).send(id, new TxnRequest.Get()).map(reply -> requireAsync(id, reply.document()))
      .compose(txn -> txns(ctx).forget(id))
      .onSuccess(txn -> JsonResponse.end(ctx.response(), new JsonObject().put("lb_async_id", id).put("deleted", true)))
      .onFailure(failure -> ctx.fail(unknown(id, failure)));
  }

  private static String id(RoutingContext ctx) {
    String id = ctx.request().getParam("lb_async_id");
    if (id == null || id.isBlank()) {
      throw ProblemException.badRequest("missing-parameter", "Missing query parameter", "lb_async_id=ID is required");
    }
    return id;
  }

  /** A transaction that is not an lb_async request is not one of these URLs' business. */
  private static JsonObject requireAsync(String id, JsonObject txn) {
    if (!txn.containsKey("lb_async") && !txn.getJsonArray("parts", new JsonArray()).isEmpty()) {
      throw notFound(id);
    }
    return txn;
  }

  private static Throwable unknown(String id, Throwable failure) {
    return failure instanceof ProblemException problem && problem.status() == 404 && "unknown-transaction".equals(problem.type())
      ? notFound(id) : failure;
  }

  private static ProblemException notFound(String id) {
    return new ProblemException(404, "unknown-async-request", "Unknown lb_async request", "no lb_async request " + id
      + " (never started, freed by a DELETE of its response URL, or purged after txn.retentionSeconds)").with("lb_async_id", id);
  }

  /** The transaction service on behalf of the request's caller (who sees only its own transactions, unless an admin). */
  private TxnClient txns(RoutingContext ctx) {
    return client.as(Authentication.caller(ctx));
  }
}
