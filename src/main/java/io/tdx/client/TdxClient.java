package io.tdx.client;

import io.tdx.csv.CsvRecord;
import io.tdx.csv.CsvRowReader;
import io.tdx.service.CsvDialect;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A client of a TDX server, built on the Vert.x web client: non-blocking, one connection pool,
 * no thread per request. Every call returns a Vert.x {@link Future} completed on the caller's
 * context (an event loop's, inside a Vert.x application); {@link ReactorTdxClient} offers the
 * same calls as Reactor {@code Mono}s.
 *
 * <ul>
 *   <li>Single requests: {@link #importCsv} from a file, a stream or a URI; {@link #exportCsv} to
 *   a file, a stream or a URI.</li>
 *   <li>Transactions by hand: {@link #start}, then the {@link TdxTransaction}'s parts, commit and
 *   {@link TdxTransaction#await await}; or {@link #transaction(String)} for one started elsewhere.</li>
 *   <li>Transactions in one call: {@link #run}, either protocol.</li>
 * </ul>
 *
 * Failures are {@link TdxException}s: transport, problem document, failed transaction. Idempotent
 * steps (GETs, commits, aborts) are tried again after a transport failure.
 */
public final class TdxClient implements AutoCloseable {
  static final int FIRST_ERRORS = 10;
  private final Vertx vertx;
  private final TdxClientOptions options;
  private final HttpClientAgent http;
  private final WebClient web;
  private final ProgressListener progress;
  private final boolean owner;

  private TdxClient(Vertx vertx, TdxClientOptions options, HttpClientAgent http, ProgressListener progress, boolean owner) {
    this.vertx = vertx;
    this.options = options;
    this.http = http;
    this.web = WebClient.wrap(http);
    this.progress = progress;
    this.owner = owner;
  }

  /** A client with its own connection pool in {@code vertx}; {@link #close()} closes the pool. */
  public static TdxClient create(Vertx vertx, TdxClientOptions options) {
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions()
      .setIdleTimeout((int) options.idleTimeout().toSeconds())
      .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(options.maxConnections()));
    return new TdxClient(vertx, options, http, ProgressListener.NONE, true);
  }

  /** This client (the same pool) reporting the progress of its calls to {@code listener}. */
  public TdxClient withProgress(ProgressListener listener) {
    return new TdxClient(vertx, options, http, listener, false);
  }

  public TdxClientOptions options() {
    return options;
  }

  Vertx vertx() {
    return vertx;
  }

  ProgressListener progress() {
    return progress;
  }

  // ------------------------------------------------------------------ single requests

  /** Imports a CSV with counts and the first rejected rows; no error file is kept. */
  public Future<ImportOutcome> importCsv(String service, CsvSource source, ImportSettings settings) {
    return importCsv(service, source, settings, null);
  }

  /**
   * Imports a CSV. With {@code errorFile}, the rejected rows are saved there as the server's
   * error file (with {@code LINE}, {@code CAUSE} and {@code CAUSE_CODE}), the first of them read
   * back as typed rows; the file is not written when no row was rejected. An import aborted by
   * {@code abortOnError} is an outcome with {@link ImportOutcome#aborted()}, not a failure.
   */
  public Future<ImportOutcome> importCsv(String service, CsvSource source, ImportSettings settings, Path errorFile) {
    String query = "?return_errors=" + (errorFile == null ? "0" : "on_error") + settings.query()
      + (source instanceof CsvSource.FromUri u ? "&uri=" + encode(u.uri()) : "");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
      .set(HttpHeaders.ACCEPT, errorFile == null ? "application/json" : "text/csv");
    return upload(HttpMethod.valueOf(settings.method().name()), service + query, headers, source, service)
      .compose(response -> {
        int status = response.statusCode();
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        if (errorFile == null) {
          return json(response).map(json -> ImportOutcome.fromJson(json, null));
        }
        if ((status == 200 || status == 422) && type != null && type.startsWith("text/csv")) {
          ImportOutcome counts = fromHeaders(service, settings, response, status == 422);
          return save(response, CsvTarget.file(errorFile), "errors of " + service)
            .compose(bytes -> firstErrors(service, errorFile))
            .map(first -> new ImportOutcome(counts.service(), counts.method(), counts.aborted(), counts.read(), counts.inserted(),
              counts.updated(), counts.deleted(), counts.rejected(), first, counts.rejected() > first.size(),
              java.util.Optional.of(errorFile)));
        }
        if (status == 200) {
          return body(response).map(body -> fromHeaders(service, settings, response, false));
        }
        return failure(response);
      });
  }

  private static ImportOutcome fromHeaders(String service, ImportSettings settings, HttpClientResponse response, boolean aborted) {
    return new ImportOutcome(service, settings.method().name(), aborted, count(response, "TDX-Rows-Read"),
      count(response, "TDX-Rows-Inserted"), count(response, "TDX-Rows-Updated"), count(response, "TDX-Rows-Deleted"),
      count(response, "TDX-Rows-Rejected"), List.of(), false, java.util.Optional.empty());
  }

  private static long count(HttpClientResponse response, String header) {
    String value = response.getHeader(header);
    return value == null ? 0 : Long.parseLong(value);
  }

  /** The first rows of a saved error file, typed, read in the service's dialect. */
  private Future<List<RejectedRow>> firstErrors(String service, Path errorFile) {
    return dialect(service).compose(dialect -> vertx.executeBlocking(() -> readErrors(errorFile, dialect, FIRST_ERRORS), false));
  }

  /** Up to {@code limit} rejected rows of an error file (reads no further). */
  static List<RejectedRow> readErrors(Path errorFile, CsvDialect dialect, int limit) throws Exception {
    List<RejectedRow> rows = new ArrayList<>();
    if (!Files.exists(errorFile)) {
      return rows;
    }
    try (InputStream in = Files.newInputStream(errorFile);
         CsvRowReader reader = new CsvRowReader(in, dialect, 1 << 24, 1 << 16)) {
      CsvRecord header = reader.next();
      if (header == null) {
        return rows;
      }
      String[] names = header.fields();
      int columns = names.length - 3;
      for (CsvRecord record = reader.next(); record != null && rows.size() < limit; record = reader.next()) {
        String[] fields = record.fields();
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < columns && i < fields.length; i++) {
          values.put(names[i], fields[i]);
        }
        rows.add(new RejectedRow(Long.parseLong(fields[columns]), java.util.Collections.unmodifiableMap(values),
          fields[columns + 1], fields[columns + 2]));
      }
    }
    return rows;
  }

  /** A service's CSV dialect, from {@code GET /tdx/services}. */
  Future<CsvDialect> dialect(String service) {
    return getJson("/tdx/services").map(json -> {
      for (Object declared : json.getJsonArray("services", new JsonArray())) {
        JsonObject s = (JsonObject) declared;
        if (service.equals(s.getString("prefix"))) {
          return new CsvDialect(character(s, "delimiter", ','), character(s, "quote", '"'), character(s, "escape", (char) 0));
        }
      }
      return new CsvDialect(',', '"', (char) 0);
    });
  }

  private static char character(JsonObject service, String name, char otherwise) {
    String value = service.getString(name);
    return value == null || value.isEmpty() ? otherwise : value.charAt(0);
  }

  /**
   * Exports a service. To a file, the CSV arrives in a temporary file renamed at the end; with
   * {@code gzip} it is asked for and kept compressed. To a URI, the server stores it there.
   */
  public Future<ExportOutcome> exportCsv(String service, CsvTarget target, boolean gzip) {
    if (target instanceof CsvTarget.ToUri u) {
      // not retried: a store that refuses to overwrite would refuse the second attempt of one that succeeded
      return web.requestAbs(HttpMethod.GET, url(service + "?uri=" + encode(u.uri())))
        .putHeader(HttpHeaders.ACCEPT.toString(), "application/json").send()
        .transform(this::transport)
        .compose(response -> response.statusCode() == 200
          ? Future.succeededFuture(new ExportOutcome(service, bodyJson(response).getLong("bytes", -1L),
            java.util.Optional.of(u.uri())))
          : Future.failedFuture(problem(response.statusCode(), response.statusMessage(), response.body(),
            response.getHeader(HttpHeaders.CONTENT_TYPE.toString()))));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "text/csv");
    if (gzip) {
      headers.set(HttpHeaders.ACCEPT_ENCODING, "gzip");
    }
    return retrying(() -> request(HttpMethod.GET, service, headers))
      .compose(response -> response.statusCode() == 200 ? save(response, target, service) : failure(response))
      .map(bytes -> new ExportOutcome(service, bytes, target instanceof CsvTarget.ToFile f
        ? java.util.Optional.of(f.path().toString()) : java.util.Optional.empty()));
  }

  // ------------------------------------------------------------------ transactions

  /** Starts a transaction; {@code async} for the asynchronous protocol. */
  public Future<TdxTransaction> start(boolean async) {
    return web.requestAbs(HttpMethod.POST, url("/txn/start" + (async ? "?async=true" : "")))
      .putHeader(HttpHeaders.ACCEPT.toString(), "application/json").send()
      .transform(this::transport)
      .compose(response -> response.statusCode() == 201
        ? Future.succeededFuture(new TdxTransaction(this, bodyJson(response).getString("id"), async))
        : Future.failedFuture(problemOf(response)));
  }

  /** A handle on a transaction started elsewhere (by id). */
  public TdxTransaction transaction(String id, boolean async) {
    return new TdxTransaction(this, id, async);
  }

  /**
   * One transaction in one call: starts it, sends every part, commits them in order and waits
   * for the outcome (at most {@code timeout}); exports to files are saved. Fails with
   * {@link TdxTransactionFailedException} when the transaction does not commit.
   */
  public Future<TxnOutcome> run(boolean async, List<PartSpec> parts, Duration timeout) {
    return start(async).compose(txn -> async ? txn.runAsync(parts, timeout) : txn.runSync(parts));
  }

  // ------------------------------------------------------------------ plumbing shared with TdxTransaction

  String url(String pathAndQuery) {
    return options.server() + pathAndQuery;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A request without a body, its response not yet read. */
  Future<HttpClientResponse> request(HttpMethod method, String pathAndQuery, MultiMap headers) {
    return http.request(new RequestOptions().setMethod(method).setAbsoluteURI(url(pathAndQuery))
        .setIdleTimeout(options.idleTimeout().toMillis()))
      .compose(request -> {
        request.headers().addAll(headers);
        return request.send();
      })
      .map(TdxClient::paused)
      .transform(this::transport);
  }

  /**
   * A response held until its reader is ready: the steps between its arrival and its reading
   * (closing the uploaded file, opening the target) must not lose its first bytes. Readers take
   * its body with {@link #body} or pipe it (a pipe resumes it).
   */
  private static HttpClientResponse paused(HttpClientResponse response) {
    response.pause();
    return response;
  }

  /** The whole body of a response from {@link #request} or {@link #upload}. */
  static Future<Buffer> body(HttpClientResponse response) {
    Future<Buffer> body = response.body();
    response.resume();
    return body;
  }

  /** A request with a CSV body from a source (none for a URI: the server fetches it), its response not yet read. */
  Future<HttpClientResponse> upload(HttpMethod method, String pathAndQuery, MultiMap headers, CsvSource source, String what) {
    if (source instanceof CsvSource.FromUri) {
      return request(method, pathAndQuery, headers);
    }
    Future<Body> body;
    if (source instanceof CsvSource.FromFile f) {
      body = vertx.fileSystem().props(f.path().toString())
        .compose(props -> vertx.fileSystem().open(f.path().toString(), new OpenOptions().setRead(true))
          .map(file -> new Body(file, props.size(), f.gzip())));
    } else {
      CsvSource.FromStream s = (CsvSource.FromStream) source;
      body = Future.succeededFuture(new Body(s.stream(), -1, s.gzip()));
    }
    return body.transform(this::transport).compose(b -> http.request(new RequestOptions().setMethod(method)
        .setAbsoluteURI(url(pathAndQuery)).setIdleTimeout(options.idleTimeout().toMillis()))
      .compose(request -> {
        request.headers().addAll(headers).set(HttpHeaders.CONTENT_TYPE, "text/csv");
        if (b.gzip()) {
          request.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        if (b.length() >= 0) {
          request.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(b.length()));
        } else {
          request.setChunked(true);
        }
        progress.transferred(what, 0, b.length());
        return request.send(new CountingReadStream(b.stream(), n -> progress.transferred(what, n, b.length())));
      })
      .map(TdxClient::paused)
      .transform(this::transport)
      .onComplete(sent -> {
        if (b.stream() instanceof AsyncFile file) {
          file.close();
        }
      }));
  }

  private record Body(ReadStream<Buffer> stream, long length, boolean gzip) {
  }

  /** Streams a response's body to a target; the bytes written. A file is written to a temporary file renamed at the end. */
  Future<Long> save(HttpClientResponse response, CsvTarget target, String what) {
    long total = response.getHeader(HttpHeaders.CONTENT_LENGTH) == null ? -1 : Long.parseLong(response.getHeader(HttpHeaders.CONTENT_LENGTH));
    long[] bytes = {0};
    ReadStream<Buffer> counted = new CountingReadStream(response, n -> {
      bytes[0] = n;
      progress.transferred(what, n, total);
    });
    if (target instanceof CsvTarget.ToStream s) {
      return counted.pipeTo(s.stream()).transform(this::transport).map(v -> bytes[0]);
    }
    if (!(target instanceof CsvTarget.ToFile f)) {
      return Future.failedFuture(new IllegalArgumentException("a response is not saved to a URI"));
    }
    Path temporary = f.path().resolveSibling(f.path().getFileName() + ".part");
    return vertx.fileSystem().open(temporary.toString(), new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
      .compose(file -> counted.pipeTo(file))
      .transform(this::transport)
      .compose(v -> vertx.fileSystem().move(temporary.toString(), f.path().toString(),
        new io.vertx.core.file.CopyOptions().setReplaceExisting(true)))
      .onFailure(e -> vertx.fileSystem().delete(temporary.toString()))
      .map(v -> bytes[0]);
  }

  Future<JsonObject> getJson(String pathAndQuery) {
    return retrying(() -> web.requestAbs(HttpMethod.GET, url(pathAndQuery))
        .putHeader(HttpHeaders.ACCEPT.toString(), "application/json").send())
      .compose(response -> response.statusCode() == 200
        ? Future.succeededFuture(bodyJson(response))
        : Future.failedFuture(problemOf(response)));
  }

  WebClient web() {
    return web;
  }

  /** A response's JSON body, after checking its status. */
  Future<JsonObject> json(HttpClientResponse response) {
    return body(response).transform(this::transport).compose(body -> {
      if (response.statusCode() / 100 == 2) {
        return Future.succeededFuture(body.length() == 0 ? new JsonObject() : body.toJsonObject());
      }
      TdxProblemException problem = problem(response.statusCode(), response.statusMessage(), body,
        response.getHeader(HttpHeaders.CONTENT_TYPE));
      // an import aborted by abort_on_error answers 422 with its summary in the problem document
      JsonObject summary = problem.problem().getJsonObject("summary");
      return summary != null && response.statusCode() == 422 ? Future.succeededFuture(summary) : Future.failedFuture(problem);
    });
  }

  <T> Future<T> failure(HttpClientResponse response) {
    return body(response).transform(this::transport).compose(body -> Future.failedFuture(
      problem(response.statusCode(), response.statusMessage(), body, response.getHeader(HttpHeaders.CONTENT_TYPE))));
  }

  static JsonObject bodyJson(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    return body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
  }

  static TdxProblemException problemOf(HttpResponse<Buffer> response) {
    return problem(response.statusCode(), response.statusMessage(), response.body(), response.getHeader(HttpHeaders.CONTENT_TYPE.toString()));
  }

  /** The problem document of an error response; a document made of the status and text when the body is not one. */
  static TdxProblemException problem(int status, String message, Buffer body, String contentType) {
    JsonObject problem = null;
    if (body != null && body.length() > 0 && contentType != null && contentType.contains("json")) {
      try {
        problem = body.toJsonObject();
      } catch (DecodeException e) {
        problem = null;
      }
    }
    if (problem == null) {
      String text = body == null ? "" : body.toString(StandardCharsets.UTF_8).strip();
      problem = new JsonObject().put("title", message).put("status", status)
        .put("detail", text.length() > 500 ? text.substring(0, 500) + "..." : text);
    }
    return new TdxProblemException(status, problem);
  }

  /** Failures that are not already the client's own become transport failures. */
  <T> Future<T> transport(io.vertx.core.AsyncResult<T> result) {
    if (result.succeeded()) {
      return Future.succeededFuture(result.result());
    }
    Throwable cause = result.cause();
    return Future.failedFuture(cause instanceof TdxException ? cause
      : new TdxTransportException(options.server() + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause));
  }

  /** An idempotent step, tried again after transport failures ({@code retries} times, the delay doubling). */
  <T> Future<T> retrying(Supplier<Future<T>> step) {
    return attempt(step, 0);
  }

  private <T> Future<T> attempt(Supplier<Future<T>> step, int done) {
    return step.get().transform(this::transport).recover(e -> {
      if (!(e instanceof TdxTransportException) || done >= options.retries()) {
        return Future.failedFuture(e);
      }
      return delay(options.retryDelay().toMillis() << done).compose(v -> attempt(step, done + 1));
    });
  }

  Future<Void> delay(long millis) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, millis), id -> promise.complete());
    return promise.future();
  }

  /** Closes the connection pool if this client made it. */
  @Override
  public void close() {
    if (owner) {
      http.close();
    }
  }

  /** Closes the connection pool if this client made it; the future completes once closed. */
  public Future<Void> closeAsync() {
    return owner ? http.close() : Future.succeededFuture();
  }
}
