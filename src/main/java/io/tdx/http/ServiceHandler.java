package io.tdx.http;

import io.tdx.config.Limits;
import io.tdx.files.FileAccess;
import io.tdx.load.ImportMode;
import io.tdx.metrics.TdxMetrics;
import io.tdx.load.ImportOptions;
import io.tdx.load.ImportRequest;
import io.tdx.problem.ProblemException;
import io.tdx.service.ServiceDefinition;
import io.tdx.stream.BodyTooLargeException;
import io.tdx.stream.ContentDecoding;
import io.tdx.stream.ReadStreamInputStream;
import io.tdx.txn.TxnReply;
import io.tdx.txn.TxnRequest;
import io.tdx.worker.ExportJob;
import io.tdx.worker.FileExportJob;
import io.tdx.worker.ImportJob;
import io.tdx.worker.Jobs;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * One TDX service over HTTP: {@code GET} exports, {@code POST}, {@code PUT} and {@code DELETE}
 * import. Bodies stream from the socket to a workspace worker and exports stream back; the
 * handler itself holds no rows.
 */
final class ServiceHandler implements Handler<RoutingContext> {
  private static final Set<String> IMPORT_PARAMETERS =
    Set.of("abort_on_error", "return_errors", "ignore_unknown_columns", "txn", "uri", "lb_async");
  private static final Set<String> EXPORT_PARAMETERS = Set.of("txn", "uri", "lb_async");
  private final ServiceDefinition service;
  private final Jobs jobs;
  private final TxnClient client;
  private final Limits limits;
  private final Path spool;
  private final FileAccess files;
  private final TdxMetrics metrics;
  /** How often the bytes received of a part's body are told to its owner. */
  static final long PROGRESS_MILLIS = 1_000;

  ServiceHandler(ServiceDefinition service, Jobs jobs, TxnClient txns, Limits limits, Path spool, FileAccess files,
                 TdxMetrics metrics) {
    this.metrics = metrics;
    this.service = service;
    this.jobs = jobs;
    this.client = txns;
    this.limits = limits;
    this.spool = spool;
    this.files = files;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String method = ctx.request().method().name();
    Authentication.require(ctx, method.equals("GET") || method.equals("HEAD") ? "read" : "write", service.prefix());
    switch (method) {
      case "GET" -> exportCsv(ctx);
      case "HEAD" -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8").end();
      case "POST", "PUT", "DELETE" -> importCsv(ctx);
      default -> ctx.fail(notAllowed(ctx.request().method().name(), "GET, HEAD, POST, PUT, DELETE"));
    }
  }

  private void exportCsv(RoutingContext ctx) {
    rejectUnknownParameters(ctx.request(), EXPORT_PARAMETERS);
    String txn = ctx.request().getParam("txn");
    String uri = ctx.request().getParam("uri");
    if (wantsLbAsync(ctx, txn)) {
      lbAsync(ctx, "GET", null, uri, null);
      return;
    }
    if (txn != null) {
      addPart(ctx, txn, "GET", null, uri, null);
      return;
    }
    if (uri != null) {
      jobs.run(new FileExportJob(service, uri, files))
        .onSuccess(summary -> metrics.exported(service.prefix(), summary.getLong("rows"), summary.getLong("bytes")))
        .onSuccess(summary -> ctx.json(summary))
        .onFailure(ctx::fail);
      return;
    }
    HttpServerResponse response = ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
      .setChunked(true);
    ResponseOutputStream csv = new ResponseOutputStream(response, Vertx.currentContext());
    ctx.addEndHandler(over -> csv.over());
    jobs.run(new ExportJob(service, csv))
      .onSuccess(summary -> response.end().onSuccess(v -> metrics.exported(service.prefix(), summary.rows(), response.bytesWritten())))
      .onFailure(ctx::fail);
  }

  private void importCsv(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (service.exportOnly()) {
      ctx.fail(notAllowed(request.method().name(), "GET, HEAD").with("service", service.prefix()));
      return;
    }
    rejectUnknownParameters(request, IMPORT_PARAMETERS);
    ImportOptions options = ImportOptions.from(request::getParam);
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && parseLength(length) > limits.maxBodyBytes()) {
      ctx.fail(new BodyTooLargeException(limits.maxBodyBytes()));
      return;
    }
    String txn = request.getParam("txn");
    String uri = request.getParam("uri");
    if (uri != null && ((length != null && !length.strip().equals("0")) || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null)) {
      throw ProblemException.badRequest("body-and-uri", "Body or URI", "an import takes a body or uri=, not both");
    }
    ContentDecoding coding = uri == null ? ContentDecoding.of(request.getHeader(HttpHeaders.CONTENT_ENCODING)) : null;
    if (wantsLbAsync(ctx, txn)) {
      lbAsync(ctx, request.method().name(), options, uri, coding);
      return;
    }
    if (txn != null) {
      addPart(ctx, txn, request.method().name(), options, uri, coding);
      return;
    }
    Future<InputStream> source;
    if (uri == null) {
      ReadStreamInputStream body = new ReadStreamInputStream(timed(ctx), Vertx.currentContext(), limits.maxBodyBytes(),
        Duration.ofSeconds(2L * limits.bodyIdleSeconds()));
      askForBody(ctx);
      // a worker is taken only once the body has come or a buffer of it waits: a slow client holds its connection, not a worker
      source = body.ready().map(v -> body);
    } else {
      source = files.opening(uri); // connecting and the answer hold no workspace worker
    }
    Path errorFile = spool.resolve("errors-" + UUID.randomUUID() + ".csv");
    ImportRequest importRequest = new ImportRequest(service, ImportMode.ofMethod(request.method().name()), options);
    source.compose(in -> jobs.run(new ImportJob(importRequest, () -> uri == null ? coding.decode(in, limits.maxBodyBytes()) : in, errorFile))
        .onComplete(done -> closeQuietly(ctx.vertx(), uri, in)))
      .onSuccess(result -> metrics.imported(result.toJson(), uri == null ? request.bytesRead() : 0))
      .compose(result -> ImportResponder.respond(ctx, result, options, service.dialect()))
      .onFailure(ctx::fail)
      .onComplete(done -> ctx.vertx().fileSystem().delete(errorFile.toString()));
  }

  /** The request's body, watched for a slow client; once answered, the rest of it is dropped (see TimedBody). */
  private TimedBody timed(RoutingContext ctx) {
    TimedBody body = new TimedBody(ctx.request(), ctx.vertx(), limits);
    ctx.addEndHandler(answered -> {
      if (answered.succeeded()) { // else the connection closed: the body's reader hears it from the body
        body.answered();
      }
    });
    return body;
  }

  /** A file the job did not get to (refused, or failed first) is closed, on a worker: closing a file may block. */
  private static void closeQuietly(Vertx vertx, String uri, InputStream in) {
    if (uri == null) {
      return; // a body: the job read it, or the request ends with it
    }
    vertx.executeBlocking(() -> {
      in.close();
      return null;
    }, false);
  }

  /** Only once the request is known to be acceptable, a client that sent Expect: 100-continue is asked for its body. */
  private static void askForBody(RoutingContext ctx) {
    if ("100-continue".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue();
    }
  }

  /**
   * A part of a transaction: the owner registers it; an import's body is spooled to the file it
   * names and the part answered {@code 201} once the body is on disk. An import by URI is
   * answered {@code 202} at once (asynchronous protocol) while its file is checked
   * ({@code DOWNLOADING}, then {@code READY}); the commit waits for it.
   */
  private void addPart(RoutingContext ctx, String txn, String method, ImportOptions options, String uri,
                       ContentDecoding coding) {
    receive(ctx, txn, method, options, uri, coding, pausedBody(ctx, method, uri)).onSuccess(part -> {
      if (!part.getBoolean("async", true)) {
        AdmissionHandler.workDone(ctx); // received; the wait for the commit is not work (the commit counts)
        holdUntilFinished(ctx, txn, part.getString("id"));
        return;
      }
      JsonResponse.end(ctx.response().setStatusCode("DOWNLOADING".equals(part.getString("state")) ? 202 : 201)
        .putHeader(HttpHeaders.LOCATION, AbsoluteUrls.of(ctx, part.getString("location"))), part);
    }).onFailure(ctx::fail);
  }

  /** {@code lb_async=true}: a single request, not a part of a transaction the client runs. */
  private static boolean wantsLbAsync(RoutingContext ctx, String txn) {
    boolean async = ImportOptions.flag(ctx.request()::getParam, "lb_async");
    if (async && txn != null) {
      throw ProblemException.badRequest("bad-parameter", "Bad query parameter",
        "lb_async=true makes a single request asynchronous; a part of transaction " + txn + " is answered by the transaction's protocol");
    }
    return async;
  }

  /**
   * LogicBlox's generic asynchronous request: run as a transaction of this one part, committed
   * once its body is received; {@code 202} with the polling URL (see {@link LbAsyncHandler}).
   */
  private void lbAsync(RoutingContext ctx, String method, ImportOptions options, String uri, ContentDecoding coding) {
    TimedBody body = pausedBody(ctx, method, uri);
    JsonObject origin = LbAsyncHandler.origin(ctx, options == null ? null : options.returnErrors());
    txns(ctx).begin(true, origin).compose(started -> {
      String id = started.document().getString("id");
      return receive(ctx, id, method, options, uri, coding, body)
        .compose(part -> txns(ctx).send(id, new TxnRequest.Commit(java.util.List.of(part.getString("id")), null)))
        .recover(failure -> txns(ctx).send(id, new TxnRequest.Abort("the request could not be received: " + failure.getMessage()))
          .transform(aborted -> Future.failedFuture(failure)))
        .map(committed -> id);
    }).onSuccess(id -> {
      // the request's work goes on after the 202: its place in flight is held until it finishes
      AdmissionHandler.holdUntil(ctx, txns(ctx).awaitFinished(id, TxnClient.HOLD_MILLIS));
      String polling = AbsoluteUrls.of(ctx, LbAsyncHandler.polling(id));
      JsonResponse.end(ctx.response().setStatusCode(202).putHeader(HttpHeaders.LOCATION, polling),
        new JsonObject().put("lb_async_id", id).put("location", polling).put("state", "RUNNING"));
    }).onFailure(ctx::fail);
  }

  /** An import's body, paused until the owner has answered (no chunk is lost across the hops before the pipe); else null. */
  private TimedBody pausedBody(RoutingContext ctx, String method, String uri) {
    if (method.equals("GET") || uri != null) {
      return null;
    }
    TimedBody timed = timed(ctx);
    timed.pause();
    return timed;
  }

  /** Adds the part and receives its body (or has its file checked); completes with the part's document. */
  private Future<JsonObject> receive(RoutingContext ctx, String txn, String method, ImportOptions options, String uri,
                                     ContentDecoding coding, TimedBody timed) {
    HttpServerRequest request = ctx.request();
    boolean export = method.equals("GET");
    boolean body = timed != null;
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    long contentLength = length == null || !body ? -1 : parseLength(length);
    return txns(ctx).send(txn, new TxnRequest.AddPart(service.prefix(), method, options, contentLength, uri, coding == ContentDecoding.IDENTITY))
      .compose(added -> {
      if (export) {
        return Future.succeededFuture(added.document());
      }
      if (!body) {
        Future<JsonObject> checked = txns(ctx).send(txn, new TxnRequest.Fetch(added.document().getString("id"))).map(TxnReply::document);
        AdmissionHandler.holdUntil(ctx, checked); // the fetch goes on after an asynchronous 202
        return added.document().getBoolean("async") ? Future.succeededFuture(added.document()) : checked;
      }
      return spool(ctx, txn, added, timed, coding);
    });
  }

  /**
   * Receives the part's body: a small plain one (the owner gave it no file) into memory, bounded
   * by its Content-Length; any other spooled as it comes (compressed, if it is: the bytes on disk
   * are the bytes counted against txn.maxSpoolBytes), then, on a worker, a compressed one decoded
   * to the end, so a body that is not valid gzip, is cut short or decodes past
   * limits.maxBodyBytes is refused now rather than at its commit.
   */
  private Future<JsonObject> spool(RoutingContext ctx, String txn, TxnReply added, TimedBody body, ContentDecoding coding) {
    HttpServerRequest request = ctx.request();
    String part = added.document().getString("id");
    askForBody(ctx);
    Future<Buffer> received = added.file() == null ? inMemory(body)
      : added.fileOn(txns(ctx).node()) ? toFile(ctx.vertx(), added.file(), body, coding)
      : toOwner(txns(ctx), txn, part, body, coding, request.getHeader(HttpHeaders.CONTENT_ENCODING));
    if (added.file() != null && added.fileOn(txns(ctx).node())) {
      // the owner shows the bytes received so far (a body sent to it from another node, it counts itself)
      long ticker = ctx.vertx().setPeriodic(PROGRESS_MILLIS, t -> txns(ctx).send(txn, new TxnRequest.PartProgress(part, request.bytesRead())));
      received.onComplete(done -> ctx.vertx().cancelTimer(ticker));
    }
    return received
      .transform(spooled -> txns(ctx).send(txn, new TxnRequest.PartReceived(part, request.bytesRead(),
          spooled.succeeded() ? null : "the body could not be received: " + spooled.cause().getMessage(),
          spooled.succeeded() ? 0 : io.tdx.problem.Failures.status(unreadable(spooled.cause())), spooled.result()))
        .compose(answer -> spooled.succeeded() ? Future.succeededFuture(answer.document()) : Future.failedFuture(unreadable(spooled.cause()))));
  }

  /**
   * A body whose Content-Length is within txn.memoryPartBytes, as one buffer (the codec ends it
   * at that length); refused as a spooled one would be when it starts as gzip does.
   */
  private static Future<Buffer> inMemory(TimedBody body) {
    Future<Buffer> collected = body.collect(java.util.stream.Collector.of(Buffer::buffer, Buffer::appendBuffer, Buffer::appendBuffer));
    body.resume(); // paused until the owner answered
    return collected.compose(buffer -> buffer.length() >= 2 && ContentDecoding.gzipMagic(buffer.getUnsignedByte(0), buffer.getUnsignedByte(1))
      ? Future.failedFuture(ContentDecoding.unlabelledGzip()) : Future.succeededFuture(buffer));
  }

  /**
   * Streamed to the transaction's owner on another node, which spools it (and checks a coded
   * one); no buffer. The bound and the gzip check are those of a body spooled here.
   */
  private Future<Buffer> toOwner(TxnClient txns, String txn, String part, TimedBody body, ContentDecoding coding,
                                 String codingHeader) {
    OwnerBodyStream owner = new OwnerBodyStream(txns, txn, part, coding == ContentDecoding.IDENTITY ? null : codingHeader);
    return body.pipeTo(new BoundedWriteStream(owner, limits.maxBodyBytes(), coding == ContentDecoding.IDENTITY)).map(v -> null);
  }

  /** Spooled to its file (made in the transaction's spool directory, which the first such part creates); no buffer. */
  private Future<Buffer> toFile(Vertx vertx, Path file, TimedBody body, ContentDecoding coding) {
    return vertx.fileSystem().mkdirs(file.getParent().toString())
      .compose(v -> vertx.fileSystem().open(file.toString(), new OpenOptions().setWrite(true).setCreateNew(true)))
      .compose(opened -> body.pipeTo(new BoundedWriteStream(opened, limits.maxBodyBytes(), coding == ContentDecoding.IDENTITY))
        .onFailure(e -> opened.close()))
      .compose(v -> verify(vertx, file, coding))
      .map(v -> null);
  }

  private Future<Void> verify(Vertx vertx, Path file, ContentDecoding coding) {
    if (coding == ContentDecoding.IDENTITY) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      coding.verify(file, limits.maxBodyBytes());
      return null;
    }, false);
  }

  /** A failure of the connection itself (closed, reset) is a body that could not be read. */
  private static Throwable unreadable(Throwable failure) {
    return failure instanceof IOException || failure instanceof ProblemException ? failure
      : new IOException("the body could not be read: " + failure.getMessage(), failure);
  }

  /**
   * Synchronous protocol: the part's connection is held until the transaction finishes, then
   * answered with the part's own result. A client that drops it aborts the transaction.
   */
  private void holdUntilFinished(RoutingContext ctx, String txn, String part) {
    ctx.addEndHandler(over -> {
      if (!ctx.response().ended()) {
        txns(ctx).send(txn, new TxnRequest.Abort("the client of part " + part + " closed its connection before the commit"));
      }
    });
    txns(ctx).awaitFinished(txn, TxnClient.HOLD_MILLIS)
      .compose(finished -> txns(ctx).send(txn, new TxnRequest.GetPart(part))
        .onSuccess(reply -> PartResponder.respond(ctx, txns(ctx), finished.document(), reply)))
      .onFailure(ctx::fail);
  }

  private static long parseLength(String length) {
    try {
      return Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest("bad-header", "Bad Content-Length", "Content-Length " + length + " is not a number");
    }
  }

  private void rejectUnknownParameters(HttpServerRequest request, Set<String> known) {
    Parameters.requireKnown(request.params(), known, request.method().name() + " " + service.prefix());
  }

  private ProblemException notAllowed(String method, String allow) {
    return new ProblemException(405, "method-not-allowed", "Method not allowed",
      method + " is not allowed on " + service.prefix() + (allow.equals("GET, HEAD") ? ", an export-only service" : ""))
      .with("allow", allow);
  }

  /** The transaction service on behalf of the request's caller (who sees only its own transactions, unless an admin). */
  private TxnClient txns(RoutingContext ctx) {
    return client.as(Authentication.caller(ctx));
  }
}
