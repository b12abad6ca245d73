package io.tdx.client;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The client's HTTP: one connection pool (a Vert.x HTTP client, wrapped by the web client for
 * the small JSON exchanges), requests whose bodies and answers stream, progress, transport
 * failures made {@link TdxTransportException}s, and retries of idempotent steps.
 */
final class Transport {
  private final Vertx vertx;
  private final TdxClientOptions options;
  private final HttpClientAgent http;
  private final WebClient web;
  private final ProgressListener progress;

  private Transport(Vertx vertx, TdxClientOptions options, HttpClientAgent http, WebClient web, ProgressListener progress) {
    this.vertx = vertx;
    this.options = options;
    this.http = http;
    this.web = web;
    this.progress = progress;
  }

  static Transport create(Vertx vertx, TdxClientOptions options) {
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions()
      .setIdleTimeout((int) options.idleTimeout().toSeconds())
      .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(options.maxConnections()));
    return new Transport(vertx, options, http, WebClient.wrap(http), ProgressListener.NONE);
  }

  /** The same pool, reporting to {@code listener}. */
  Transport withProgress(ProgressListener listener) {
    return new Transport(vertx, options, http, web, listener);
  }

  Vertx vertx() {
    return vertx;
  }

  TdxClientOptions options() {
    return options;
  }

  ProgressListener progress() {
    return progress;
  }

  Future<Void> close() {
    return http.close();
  }

  /** A small request and its whole answer, JSON asked for ({@code body} sent as JSON when not null); redirects not followed. */
  Future<HttpResponse<Buffer>> exchange(HttpMethod method, String pathAndQuery, JsonObject body) {
    HttpRequest<Buffer> request = web.requestAbs(method, url(pathAndQuery)).followRedirects(false)
      .putHeader(HttpHeaders.ACCEPT.toString(), "application/json");
    authorize(request.headers());
    return (body == null ? request.send() : request.sendJsonObject(body)).transform(this::transport);
  }

  static JsonObject bodyJson(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    return body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
  }

  /** The token, if there is one, on a request to the server (every request goes to the server's own origin). */
  private MultiMap authorize(MultiMap headers) {
    if (options.token() != null) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + options.token());
    }
    return headers;
  }

  String url(String pathAndQuery) {
    return options.server() + pathAndQuery;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A request without a body, its response not yet read. */
  Future<HttpClientResponse> request(HttpMethod method, String pathAndQuery, MultiMap headers) {
    return request(method, pathAndQuery, headers, sent -> { });
  }

  /** A request without a body; {@code sent} is given the request, to reset it if need be. */
  Future<HttpClientResponse> request(HttpMethod method, String pathAndQuery, MultiMap headers,
                                     Consumer<HttpClientRequest> sent) {
    return http.request(new RequestOptions().setMethod(method).setAbsoluteURI(url(pathAndQuery))
        .setIdleTimeout(options.idleTimeout().toMillis()))
      .compose(request -> {
        authorize(request.headers().addAll(headers));
        sent.accept(request);
        return request.send();
      })
      .map(Transport::paused)
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
    return upload(method, pathAndQuery, headers, source, what, sent -> { });
  }

  /** An upload; {@code sent} is given the request, to reset it if need be (a cancelled transaction's part). */
  Future<HttpClientResponse> upload(HttpMethod method, String pathAndQuery, MultiMap headers, CsvSource source, String what,
                                    Consumer<HttpClientRequest> sent) {
    if (source instanceof CsvSource.FromUri) {
      return request(method, pathAndQuery, headers, sent);
    }
    Future<Body> body;
    if (source instanceof CsvSource.FromFile f) {
      // a file that cannot be read is the caller's mistake, not the server's absence
      body = vertx.fileSystem().props(f.path().toString())
        .compose(props -> vertx.fileSystem().open(f.path().toString(), new OpenOptions().setRead(true))
          .map(file -> new Body(file, props.size(), f.gzip())))
        .recover(e -> Future.failedFuture(new IllegalArgumentException("cannot read " + f.path() + ": " + rootMessage(e), e)));
    } else {
      CsvSource.FromStream s = (CsvSource.FromStream) source;
      body = Future.succeededFuture(new Body(s.stream(), -1, s.gzip()));
    }
    return body.transform(this::transport).compose(b -> http.request(new RequestOptions().setMethod(method)
        .setAbsoluteURI(url(pathAndQuery)).setIdleTimeout(options.idleTimeout().toMillis()))
      .compose(request -> {
        authorize(request.headers().addAll(headers)).set(HttpHeaders.CONTENT_TYPE, "text/csv");
        if (b.gzip()) {
          request.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        if (b.length() >= 0) {
          request.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(b.length()));
        } else {
          request.setChunked(true);
        }
        sent.accept(request);
        progress.transferred(what, 0, b.length());
        // once the whole body is sent, the server works on it until it answers: say so, once a second
        long[] sentAt = {b.length() == 0 ? System.nanoTime() : 0};
        long ticker = vertx.setPeriodic(1000, t -> {
          if (sentAt[0] != 0) {
            progress.working(what, (System.nanoTime() - sentAt[0]) / 1_000_000);
          }
        });
        return request.send(new CountingReadStream(b.stream(), n -> {
            progress.transferred(what, n, b.length());
            if (n == b.length()) {
              sentAt[0] = System.nanoTime();
            }
          }))
          .onComplete(answered -> vertx.cancelTimer(ticker));
      })
      .map(Transport::paused)
      .transform(this::transport)
      .onComplete(answered -> {
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
      .recover(e -> {
        response.request().reset(); // nobody will read the answer
        return Future.failedFuture(new IllegalArgumentException("cannot write " + temporary + ": " + rootMessage(e), e));
      })
      .compose(file -> counted.pipeTo(file))
      .transform(this::transport)
      .compose(v -> vertx.fileSystem().move(temporary.toString(), f.path().toString(),
        new CopyOptions().setReplaceExisting(true)))
      .onFailure(e -> vertx.fileSystem().delete(temporary.toString()))
      .map(v -> bytes[0]);
  }

  Future<JsonObject> getJson(String pathAndQuery) {
    return retrying(() -> exchange(HttpMethod.GET, pathAndQuery, null))
      .compose(response -> response.statusCode() == 200
        ? Future.succeededFuture(bodyJson(response))
        : Future.failedFuture(Problems.of(response)));
  }

  /** A response's JSON body, after checking its status. */
  Future<JsonObject> json(HttpClientResponse response) {
    return body(response).transform(this::transport).compose(body -> {
      if (response.statusCode() / 100 == 2) {
        return Future.succeededFuture(body.length() == 0 ? new JsonObject() : body.toJsonObject());
      }
      TdxProblemException problem = Problems.of(response.statusCode(), response.statusMessage(), body,
        response.getHeader(HttpHeaders.CONTENT_TYPE));
      // an import aborted by abort_on_error answers 422 with its summary in the problem document
      JsonObject summary = problem.problem().getJsonObject("summary");
      return summary != null && response.statusCode() == 422 ? Future.succeededFuture(summary) : Future.failedFuture(problem);
    });
  }

  <T> Future<T> failure(HttpClientResponse response) {
    return body(response).transform(this::transport).compose(body -> Future.failedFuture(
      Problems.of(response.statusCode(), response.statusMessage(), body, response.getHeader(HttpHeaders.CONTENT_TYPE))));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.toString();
  }

  /** Failures that are not already the client's own (or a local file's) become transport failures. */
  <T> Future<T> transport(AsyncResult<T> result) {
    if (result.succeeded()) {
      return Future.succeededFuture(result.result());
    }
    Throwable cause = result.cause();
    return Future.failedFuture(cause instanceof TdxException || cause instanceof IllegalArgumentException ? cause
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
    return vertx.timer(Math.max(1, millis), TimeUnit.MILLISECONDS).mapEmpty();
  }
}
