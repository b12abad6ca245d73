package io.tdx.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tdx.load.ErrorSink;
import io.tdx.load.ImportOptions;
import io.tdx.problem.ProblemException;
import io.tdx.stream.ContentDecoding;
import io.tdx.service.CsvDialect;
import io.tdx.service.ServiceDefinition;
import io.tdx.service.Services;
import io.tdx.txn.ResultFiles;
import io.tdx.txn.TxnReply;
import io.tdx.txn.TxnRequest;
import io.tdx.txn.TxnState;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The transaction service over HTTP (PROTOCOL.md section 3): start, commit, abort, poll, the
 * transaction and part documents and the listing. It holds no transaction state: every request
 * goes to the transaction's owner.
 */
final class TxnHandler {
  private static final JsonMapper LENIENT = JsonMapper.builder()
    .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_TRAILING_COMMA)
    .build();
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  /** How long a started transaction that has not finished keeps the place its start took. */
  static final long START_HOLD_MILLIS = 5_000;
  private final TxnClient client;
  private final Supplier<Services> services;

  TxnHandler(TxnClient txns, Supplier<Services> services) {
    this.client = txns;
    this.services = services;
  }

  void route(Router router) {
    BodyHandler commitBody = BodyHandler.create(false).setBodyLimit(1 << 20);
    Handler<RoutingContext> none = Parameters.only();
    router.post("/txn/start").handler(Parameters.only("async")).handler(this::start);
    router.post("/txn").handler(Parameters.only("async")).handler(this::start);
    router.get("/txn").handler(Parameters.only("state", "limit", "after", "order")).handler(this::list);
    router.get("/tdx/txn/memory").handler(none).handler(Authentication.admins("see what the owners hold")).handler(this::memory);
    router.post("/txn/:id/commit").handler(commitBody).handler(Parameters.only("count")).handler(this::plainBody).handler(this::commit);
    router.put("/txn/:id").handler(commitBody).handler(Parameters.only("count")).handler(this::plainBody).handler(this::commit);
    router.post("/txn/:id/abort").handler(none).handler(this::abort);
    router.delete("/txn/:id").handler(none).handler(this::abort);
    router.get("/txn/:id/poll").handler(Parameters.only("wait")).handler(this::poll);
    router.get("/txn/:id/status").handler(Parameters.only("wait")).handler(this::poll);
    router.get("/txn/:id").handler(none).handler(this::document);
    router.get("/txn/:id/:part").handler(Parameters.only("format")).handler(this::part);
  }

  private void start(RoutingContext ctx) {
    txns(ctx).begin(flag(ctx, "async")).onSuccess(reply -> {
      // a started transaction is work to come: its place is held until it finishes, or for a while if it idles,
      // so that a burst of starts cannot admit more transactions than the bound and then shed their parts
      String id = reply.document().getString("id");
      AdmissionHandler.holdUntil(ctx, txns(ctx).awaitFinished(id, START_HOLD_MILLIS));
      created(ctx, reply.document());
    }).onFailure(ctx::fail);
  }

  private void created(RoutingContext ctx, JsonObject txn) {
    JsonResponse.end(ctx.response().setStatusCode(201).putHeader(HttpHeaders.LOCATION, AbsoluteUrls.of(ctx, txn.getString("location"))), txn);
  }

  /**
   * Asynchronous: {@code 202} at once. Synchronous ({@code commit?count=N}, the list optional):
   * held until the transaction finishes, then {@code 200} with the document, or a problem with it.
   */
  private void commit(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
    Integer count = count(ctx);
    TxnRequest.Commit commit = new TxnRequest.Commit(hasBody || count == null ? partIds(ctx) : null, count);
    txns(ctx).send(id, commit).onSuccess(reply -> {
      if (reply.document().getBoolean("async")) {
        // the commit's work goes on after the 202: its place in flight is held until the transaction finishes
        AdmissionHandler.holdUntil(ctx, txns(ctx).awaitFinished(id, TxnClient.HOLD_MILLIS));
        JsonResponse.end(ctx.response().setStatusCode(202).putHeader(HttpHeaders.LOCATION, AbsoluteUrls.of(ctx, "/txn/" + id + "/status")), reply.document());
      } else {
        txns(ctx).awaitFinished(id, TxnClient.HOLD_MILLIS).onSuccess(done -> outcome(ctx, done.document())).onFailure(ctx::fail);
      }
    }).onFailure(ctx::fail);
  }

  private static void outcome(RoutingContext ctx, JsonObject txn) {
    if ("COMMITTED".equals(txn.getString("state"))) {
      json(ctx, txn);
    } else {
      ctx.fail(new ProblemException(409, "transaction-" + txn.getString("state").toLowerCase(java.util.Locale.ROOT),
        "Transaction " + txn.getString("state").toLowerCase(java.util.Locale.ROOT), txn.getString("cause"))
        .with("transaction", txn));
    }
  }

  /** {@code {"parts": [...]}}, the Python client's {@code { part_id: ['p1'] }}, or a bare array. */
  static List<String> partIds(RoutingContext ctx) {
    String body = ctx.body() == null ? null : ctx.body().asString();
    if (body == null || body.isBlank()) {
      throw ProblemException.badRequest("bad-commit", "Bad commit body",
        "the commit body must list the parts: {\"parts\": [\"p1\", \"p2\"]}");
    }
    JsonNode json;
    try {
      json = LENIENT.readTree(body);
    } catch (JsonProcessingException e) {
      throw ProblemException.badRequest("bad-commit", "Bad commit body",
        "the commit body is not JSON (" + e.getOriginalMessage() + "); expected {\"parts\": [\"p1\", \"p2\"]}");
    }
    JsonNode list = json.isArray() ? json : json.has("parts") ? json.get("parts") : json.get("part_id");
    if (list == null || !list.isArray()) {
      throw ProblemException.badRequest("bad-commit", "Bad commit body",
        "the commit body must hold a list \"parts\" (or part_id): {\"parts\": [\"p1\", \"p2\"]}");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode id : list) {
      if (!id.isTextual()) {
        throw ProblemException.badRequest("bad-commit", "Bad commit body", "part ids are strings, got " + id);
      }
      ids.add(id.asText());
    }
    return ids;
  }

  private static Integer count(RoutingContext ctx) {
    String count = ctx.request().getParam("count");
    int value;
    try {
      if (count == null) {
        return null;
      }
      value = Integer.parseInt(count);
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest("bad-parameter", "Bad query parameter", "count=" + count + " is not a number");
    }
    if (value < 0) {
      throw ProblemException.badRequest("bad-parameter", "Bad query parameter", "count=" + count + " is negative");
    }
    return value;
  }

  private void abort(RoutingContext ctx) {
    txns(ctx).send(ctx.pathParam("id"), new TxnRequest.Abort(null))
      .onSuccess(reply -> json(ctx, reply.document()))
      .onFailure(ctx::fail);
  }

  /** {@code 200} with Retry-After while open or running; {@code 303} to the document once finished. */
  private void poll(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    long waitMillis = waitSeconds(ctx) * 1000;
    txns(ctx).awaitFinished(id, waitMillis).onSuccess(reply -> {
      JsonObject txn = reply.document();
      String state = txn.getString("state");
      HttpServerResponse response = ctx.response();
      if (txn.getString("finished") != null) {
        response.setStatusCode(303).putHeader(HttpHeaders.LOCATION, AbsoluteUrls.of(ctx, "/txn/" + id));
      } else {
        response.putHeader(HttpHeaders.RETRY_AFTER, "1");
      }
      JsonObject status = new JsonObject().put("id", id).put("state", state);
      if (txn.getJsonObject("progress") != null) {
        status.put("progress", txn.getJsonObject("progress")); // while it commits: the phase, the rows staged and merged
      }
      JsonResponse.end(response, status);
    }).onFailure(ctx::fail);
  }

  static long waitSeconds(RoutingContext ctx) {
    String wait = ctx.request().getParam("wait");
    try {
      long seconds = wait == null ? 0 : Long.parseLong(wait);
      if (seconds < 0 || seconds > 300) {
        throw new NumberFormatException();
      }
      return seconds;
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest("bad-parameter", "Bad query parameter", "wait=" + wait + " must be 0..300 seconds");
    }
  }

  private void document(RoutingContext ctx) {
    txns(ctx).send(ctx.pathParam("id"), new TxnRequest.Get()).onSuccess(reply -> {
      JsonObject txn = reply.document();
      render(ctx, txn, () -> TxnDocuments.text(txn));
    }).onFailure(ctx::fail);
  }

  private void part(RoutingContext ctx) {
    String part = ctx.pathParam("part");
    txns(ctx).send(ctx.pathParam("id"), new TxnRequest.GetPart(part)).onSuccess(reply -> {
      String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
      String format = ctx.request().getParam("format");
      if (format != null && !format.equals("csv")) {
        throw ProblemException.badRequest("bad-parameter", "Bad query parameter", "format=" + format + " is not csv");
      }
      if (format != null) {
        // a link to download: the file under a name that says what it is
        ctx.response().putHeader("Content-Disposition", "attachment; filename=\"" + downloadName(ctx.pathParam("id"), reply.document())
          + "\"");
      }
      if (format != null || accept != null && accept.contains("text/csv")) {
        csv(ctx, reply);
        return;
      }
      String txn = ctx.pathParam("id");
      render(ctx, reply.document(), () -> TxnDocuments.partText(txn, reply.document()));
    }).onFailure(ctx::fail);
  }

  /**
   * A part's CSV: an export's rows or an import's error file, from the result store; an import
   * that rejected no row gets its header-only error file made here; a result the store removed
   * is {@code 410} saying when and why.
   */
  private void csv(RoutingContext ctx, TxnReply reply) {
    JsonObject part = reply.document();
    String id = part.getString("id");
    if (part.getString("uri") != null && "GET".equals(part.getString("method"))) {
      ctx.fail(new ProblemException(409, "sent-to-uri", "Export sent to its URI",
        "part " + id + " exported to " + part.getString("uri") + ", not to the server").with("uri", part.getString("uri")));
      return;
    }
    if (!ResultFiles.hasCsv(part)) {
      ctx.fail(new ProblemException(409, "no-result-yet", "No CSV result",
        "part " + id + " is " + part.getString("state") + ": its CSV (export or error file) exists once the transaction has run it")
        .with("state", part.getString("state")));
      return;
    }
    if (ResultFiles.headerOnly(part)) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8").end(headerOnly(part));
      return;
    }
    if (!ResultFiles.kept(part) || reply.file() == null) {
      ctx.fail(new ProblemException(409, "no-result", "No CSV result",
        "part " + id + " is " + part.getString("state") + " and has no CSV: " + part.getString("error")));
      return;
    }
    CsvFileResponse.exists(ctx, txns(ctx), reply).onSuccess(exists -> {
      if (exists) {
        CsvFileResponse.send(ctx, txns(ctx), reply).onFailure(ctx::fail);
        return;
      }
      txns(ctx).removal(reply.node() == null ? txns(ctx).node() : reply.node(), reply.file()).onSuccess(removal -> ctx.fail(new ProblemException(410, "result-removed", "Result removed",
          "the CSV of part " + id + " was removed from the result store" + (removal.getString("removed") == null ? ""
            : " at " + removal.getString("removed")) + ": " + removal.getString("reason"))
          .with("removed", removal.getString("removed")).with("reason", removal.getString("reason"))))
        .onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  /** {@code TXN-p2-sales.csv} for an export, {@code TXN-p1-products-errors.csv} for an import's error file. */
  private static String downloadName(String txn, JsonObject part) {
    String service = part.getString("service", "").replaceAll("[^A-Za-z0-9_-]+", "-").replaceAll("^-|-$", "");
    return txn + "-" + part.getString("id") + "-" + service + ("GET".equals(part.getString("method")) ? "" : "-errors") + ".csv";
  }

  private Buffer headerOnly(JsonObject part) {
    return headerOnly(services.get(), part);
  }

  /** The error file of an import part with no rejected row, in its service's dialect. */
  static Buffer headerOnly(Services services, JsonObject part) {
    List<String> names = new ArrayList<>();
    part.getJsonObject("result").getJsonArray("header", new io.vertx.core.json.JsonArray()).forEach(name -> names.add(String.valueOf(name)));
    CsvDialect dialect = services.byPrefix(part.getString("service")).map(ServiceDefinition::dialect)
      .orElse(new CsvDialect(',', '"', (char) 0));
    return Buffer.buffer(ErrorSink.headerOnly(dialect, names));
  }

  /**
   * {@code ?state=&limit=&after=}: a page of transactions in creation order, then id, from the
   * workspace's records and the owners' unrecorded ones; {@code next} (and a {@code Link}) names
   * the next page when there is one.
   */
  private void list(RoutingContext ctx) {
    String state = state(ctx);
    int limit = limit(ctx);
    String after = ctx.request().getParam("after");
    boolean newest = newest(ctx);
    Cursor cursor = after == null ? null : Cursor.parse(after);
    txns(ctx).list(state, cursor == null ? null : cursor.created(), cursor == null ? null : cursor.id(), limit, newest).onSuccess(found -> {
      JsonArray page = new JsonArray(new ArrayList<>(found.subList(0, Math.min(limit, found.size()))));
      JsonObject json = new JsonObject().put("transactions", page);
      String next = null;
      if (found.size() > limit) {
        JsonObject last = found.get(limit - 1);
        next = "/txn?" + (state == null ? "" : "state=" + state + "&") + (newest ? "order=newest&" : "") + "limit=" + limit + "&after="
          + Cursor.of(TxnClient.created(last), last.getString("id")).encode();
        json.put("next", next);
        ctx.response().putHeader("Link", "<" + next + ">; rel=\"next\"");
      }
      String link = next;
      renderOnWorker(ctx, json, () -> TxnDocuments.listText(page, link));
    }).onFailure(ctx::fail);
  }

  private static String state(RoutingContext ctx) {
    String state = ctx.request().getParam("state");
    if (state == null || state.isEmpty()) {
      return null;
    }
    try {
      return TxnState.valueOf(state.toUpperCase(Locale.ROOT)).name();
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest("bad-parameter", "Bad query parameter",
        "state=" + state + " is not one of " + java.util.Arrays.toString(TxnState.values()));
    }
  }

  /** {@code order=newest}: the newest first; {@code order=oldest} (the default): in creation order. */
  private static boolean newest(RoutingContext ctx) {
    String order = ctx.request().getParam("order");
    if (order == null || order.equals("oldest")) {
      return false;
    }
    if (order.equals("newest")) {
      return true;
    }
    throw ProblemException.badRequest("bad-parameter", "Bad query parameter", "order=" + order + " is not newest or oldest");
  }

  private static int limit(RoutingContext ctx) {
    String limit = ctx.request().getParam("limit");
    try {
      int value = limit == null ? DEFAULT_LIMIT : Integer.parseInt(limit);
      if (value < 1 || value > MAX_LIMIT) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest("bad-parameter", "Bad query parameter", "limit=" + limit + " must be 1.." + MAX_LIMIT);
    }
  }

  /** What the transaction owners hold in memory (internal, for diagnostics and tests). */
  private void memory(RoutingContext ctx) {
    txns(ctx).memory().onSuccess(counts -> json(ctx, counts)).onFailure(ctx::fail);
  }

  /** Text for terminals that ask for it, JSON otherwise (a browser gets the console, {@link Console}). */
  private static void render(RoutingContext ctx, JsonObject json, Supplier<String> text) {
    if (Negotiation.wantsText(ctx)) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(text.get());
    } else {
      json(ctx, json);
    }
  }

  /** As {@link #render}, the text made on a worker: a page of a thousand documents is too much work for an event loop. */
  private static void renderOnWorker(RoutingContext ctx, JsonObject json, Supplier<String> text) {
    String type = Negotiation.wantsText(ctx) ? "text/plain; charset=utf-8" : "application/json";
    Supplier<String> body = type.startsWith("text/plain") ? text : () -> JsonResponse.text(json);
    ctx.vertx().executeBlocking(() -> Buffer.buffer(body.get()), false)
      .onSuccess(buffer -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(buffer))
      .onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, JsonObject document) {
    JsonResponse.end(ctx.response(), document);
  }

  private static boolean flag(RoutingContext ctx, String name) {
    return ImportOptions.flag(ctx.request()::getParam, name);
  }

  /** A commit body is a few bytes of JSON: it is taken as sent, never decoded ({@code 415} for a coding). */
  private void plainBody(RoutingContext ctx) {
    if (ContentDecoding.of(ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING)) != ContentDecoding.IDENTITY) {
      throw new ProblemException(415, "unsupported-encoding", "Unsupported content encoding",
        "a commit body is sent as identity (plain JSON), not " + ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING))
        .with("acceptEncoding", "identity");
    }
    ctx.next();
  }


  /** The transaction service on behalf of the request's caller (who sees only its own transactions, unless an admin). */
  private TxnClient txns(RoutingContext ctx) {
    return client.as(Authentication.caller(ctx));
  }
}
