package io.tdx.client;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.concurrent.TimeoutException;

/**
 * One transaction on the server, by id: add parts, commit them, wait for the outcome, abort.
 * Parts are added with the asynchronous protocol ({@link #importPart}, {@link #exportPart});
 * a synchronous transaction's parts are sent and held all at once by {@link #run}.
 */
public final class TdxTransaction {
  private final Transport client;
  private final String id;
  private final boolean async;
  private volatile boolean cancelled;
  /** The part requests on their way, reset by {@link #cancel()}. */
  private final Set<HttpClientRequest> sending = ConcurrentHashMap.newKeySet();

  TdxTransaction(Transport client, String id, boolean async) {
    this.client = client;
    this.id = id;
    this.async = async;
  }

  public String id() {
    return id;
  }

  public boolean async() {
    return async;
  }

  /** Sends an import part; its part id once the server has spooled it (or, for a URI, accepted it). */
  public Future<String> importPart(String service, CsvSource source, ImportSettings settings) {
    String query = "?txn=" + Transport.encode(id) + settings.query()
      + (source instanceof CsvSource.FromUri u ? "&uri=" + Transport.encode(u.uri()) : "");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "application/json");
    return tracked(sent -> client.upload(HttpMethod.valueOf(settings.method().name()), service + query, headers, source, service, sent))
      .compose(client::json)
      .map(part -> part.getString("id"));
  }

  /** Adds an export part: its CSV is kept with the transaction ({@code uri} null) or stored at {@code uri} on commit. */
  public Future<String> exportPart(String service, String uri) {
    String query = "?txn=" + Transport.encode(id) + (uri == null ? "" : "&uri=" + Transport.encode(uri));
    return client.request(HttpMethod.GET, service + query, MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "application/json"))
      .compose(client::json)
      .map(part -> part.getString("id"));
  }

  /** Commits the listed parts, in that order (repeating the same commit is harmless, so it is retried). */
  public Future<TxnOutcome> commit(List<String> parts) {
    JsonObject body = new JsonObject().put("parts", new JsonArray(new ArrayList<>(parts)));
    return client.retrying(() -> client.exchange(HttpMethod.POST, "/txn/" + Transport.encode(id) + "/commit", body))
      .compose(this::document);
  }

  /** The transaction document now. */
  public Future<TxnOutcome> status() {
    return client.getJson("/txn/" + Transport.encode(id)).map(TxnOutcome::fromJson);
  }

  /** Aborts an open transaction. */
  public Future<TxnOutcome> abort() {
    return client.retrying(() -> client.exchange(HttpMethod.POST, "/txn/" + Transport.encode(id) + "/abort", null))
      .compose(this::document);
  }

  /**
   * Stops waiting ({@link #await} fails with a {@link CancellationException}), stops sending parts,
   * and aborts the transaction if it is still open; a transaction already committing runs to its end.
   */
  public Future<Void> cancel() {
    cancelled = true;
    // the abort first: the parts' requests, once reset, fail the run, and its caller may then close the client
    return abort().<Void>mapEmpty()
      .recover(e -> e instanceof TdxProblemException p && p.status() == 409 ? Future.succeededFuture() : Future.failedFuture(e))
      .eventually(() -> {
        sending.forEach(HttpClientRequest::reset);
        return Future.succeededFuture();
      });
  }

  /**
   * Waits, with long polls ({@code pollWait} each), until the transaction has ended or
   * {@code timeout} has passed ({@link TimeoutException}); its outcome when it committed, else
   * a {@link TdxTransactionFailedException}.
   */
  public Future<TxnOutcome> await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return poll(deadline).compose(v -> status()).compose(outcome -> outcome.committed()
      ? Future.succeededFuture(outcome)
      : Future.failedFuture(new TdxTransactionFailedException(outcome)));
  }

  private Future<Void> poll(long deadline) {
    if (cancelled) {
      return Future.failedFuture(new CancellationException("waiting for transaction " + id + " was cancelled"));
    }
    long remaining = (deadline - System.nanoTime()) / 1_000_000;
    if (remaining <= 0) {
      return Future.failedFuture(new TimeoutException("transaction " + id + " did not end in time"));
    }
    // a live listener hears the state twice a second (polls not held); else long polls
    boolean live = client.progress().live();
    long wait = live ? 0 : Math.max(1, Math.min(client.options().pollWait().toSeconds(), remaining / 1000));
    long asked = System.nanoTime();
    return client.retrying(() -> client.exchange(HttpMethod.GET, "/txn/" + Transport.encode(id) + "/poll?wait=" + wait, null))
      .compose(response -> {
        if (response.statusCode() != 200 && response.statusCode() != 303) {
          return Future.failedFuture(Problems.of(response));
        }
        io.vertx.core.json.JsonObject status = Transport.bodyJson(response);
        String state = status.getString("state");
        client.progress().state(id, state);
        io.vertx.core.json.JsonObject progress = status.getJsonObject("progress");
        if (progress != null) {
          long staged = 0;
          long merged = 0;
          io.vertx.core.json.JsonObject parts = progress.getJsonObject("parts", new io.vertx.core.json.JsonObject());
          for (String id : parts.fieldNames()) {
            io.vertx.core.json.JsonObject part = parts.getJsonObject(id);
            staged += part.getLong("staged", 0L);
            merged += part.getLong("merged", 0L);
          }
          client.progress().committing(id, progress.getString("phase"), progress.getString("part"), staged, merged);
        }
        if (response.statusCode() == 303 || "ABORTED".equals(state)) {
          return Future.succeededFuture();
        }
        // a server that does not hold the poll answers at once: then its Retry-After paces us
        String retryAfter = response.getHeader(HttpHeaders.RETRY_AFTER.toString());
        boolean heldLong = System.nanoTime() - asked >= wait * 500_000_000L;
        long pause = live ? LIVE_POLL_MILLIS : heldLong || retryAfter == null ? 0 : retryAfterMillis(retryAfter);
        return (pause > 0 ? client.delay(pause) : Future.<Void>succeededFuture()).compose(v -> poll(deadline));
      });
  }

  /** How often a live listener's transaction is polled. */
  static final long LIVE_POLL_MILLIS = 500;

  private static long retryAfterMillis(String header) {
    try {
      return Math.min(60_000, Math.max(0, Long.parseLong(header.strip())) * 1000);
    } catch (NumberFormatException e) {
      return 1000; // an HTTP date: wait a second and ask again
    }
  }

  /** A part's upload, its request kept while it is on its way so that {@link #cancel()} can reset it. */
  private Future<HttpClientResponse> tracked(Function<Consumer<HttpClientRequest>, Future<HttpClientResponse>> upload) {
    HttpClientRequest[] request = new HttpClientRequest[1];
    return upload.apply(sent -> {
      request[0] = sent;
      sending.add(sent);
      if (cancelled) {
        sent.reset();
      }
    }).onComplete(done -> {
      if (request[0] != null) {
        sending.remove(request[0]);
      }
    });
  }

  /** Saves a part's CSV: an export part's file, or an import part's error file; the bytes written. */
  public Future<Long> savePart(String partId, CsvTarget target) {
    return client.retrying(() -> client.request(HttpMethod.GET, "/txn/" + Transport.encode(id) + "/" + Transport.encode(partId),
        MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "text/csv")))
      .compose(response -> response.statusCode() == 200 ? client.save(response, target, partId) : client.failure(response));
  }

  private Future<TxnOutcome> document(HttpResponse<Buffer> response) {
    if (response.statusCode() / 100 != 2) {
      return Future.failedFuture(Problems.of(response));
    }
    return Future.succeededFuture(TxnOutcome.fromJson(Transport.bodyJson(response)));
  }

  // ------------------------------------------------------------------ one-call transactions

  /**
   * Sends every part, commits them in the listed order and waits for the outcome (at most
   * {@code timeout}); exports to files are saved. The asynchronous protocol sends the parts one
   * after another and long-polls; the synchronous one holds every part and the commit at once.
   * {@link #cancel()} meanwhile aborts the transaction while it is still open.
   */
  public Future<TxnOutcome> run(List<PartSpec> parts, Duration timeout) {
    return LocalFiles.check(client.vertx(), parts).recover(this::abortAfter)
      .compose(v -> async ? runAsync(parts, timeout) : runSync(parts));
  }

  /** Sends every part (one after another), commits them in order, waits, and saves the exports to files. */
  private Future<TxnOutcome> runAsync(List<PartSpec> parts, Duration timeout) {
    List<String> ids = new ArrayList<>();
    Future<Void> sent = Future.succeededFuture();
    for (PartSpec part : parts) {
      sent = sent.compose(v -> add(part)).map(partId -> {
        ids.add(partId);
        return null;
      });
    }
    return sent
      .recover(e -> abortAfter(e))
      .compose(v -> commit(ids))
      .compose(committed -> await(timeout))
      .compose(outcome -> saveExports(parts, ids, outcome));
  }

  private Future<String> add(PartSpec part) {
    if (part instanceof PartSpec.Import i) {
      return importPart(i.service(), i.source(), i.settings());
    }
    PartSpec.Export e = (PartSpec.Export) part;
    return exportPart(e.service(), e.target() instanceof CsvTarget.ToUri u ? u.uri() : null);
  }

  /** A part that could not be sent aborts the transaction; the part's failure is what the caller sees. */
  private <T> Future<T> abortAfter(Throwable failure) {
    return abort().<T>transform(ignored -> Future.failedFuture(failure));
  }

  private Future<TxnOutcome> saveExports(List<PartSpec> parts, List<String> ids, TxnOutcome outcome) {
    Future<Void> saved = Future.succeededFuture();
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i) instanceof PartSpec.Export e && !(e.target() instanceof CsvTarget.ToUri)) {
        String partId = ids.get(i);
        saved = saved.compose(v -> savePart(partId, e.target()).<Void>mapEmpty()
          .recover(failure -> Future.failedFuture(failure instanceof TdxTransportException ? failure
            : new TdxExportNotSavedException(outcome, partId, e.target() instanceof CsvTarget.ToFile f ? f.path() : "its stream",
              failure))));
      }
    }
    return saved.map(v -> outcome);
  }

  /**
   * The synchronous protocol: every part and then the commit ({@code count} = parts) sent and held
   * by the server until the transaction has run; each part's answer is its result. The server
   * runs held parts in the order they arrived, so each part is sent once the one before it is
   * listed in the transaction's document.
   */
  private Future<TxnOutcome> runSync(List<PartSpec> parts) {
    List<Future<?>> answers = new ArrayList<>();
    Future<Void> listed = Future.succeededFuture();
    for (PartSpec part : parts) {
      int count = answers.size() + 1;
      listed = listed.compose(v -> {
        Future<?> answer = sendHeld(part);
        answers.add(answer);
        return listed(count, answer);
      });
    }
    Future<TxnOutcome> committed = listed.compose(v -> client.exchange(HttpMethod.POST,
        "/txn/" + Transport.encode(id) + "/commit?count=" + parts.size(), null))
      .compose(response -> {
        if (response.statusCode() == 200) {
          return Future.succeededFuture(TxnOutcome.fromJson(Transport.bodyJson(response)));
        }
        TdxProblemException problem = Problems.of(response);
        JsonObject txn = problem.problem().getJsonObject("transaction");
        return Future.failedFuture(txn == null ? problem : new TdxTransactionFailedException(TxnOutcome.fromJson(txn)));
      });
    // the commit's outcome is the transaction's; the parts' own failures only repeat it
    return committed.transform(outcome -> Future.join(answers).transform(ignored -> outcome.succeeded()
      ? Future.succeededFuture(outcome.result()) : Future.failedFuture(outcome.cause())));
  }

  /** Until the document lists {@code count} parts; the part's own failure if it is answered first (refused). */
  private Future<Void> listed(int count, Future<?> answer) {
    if (answer.failed()) {
      return abortAfter(answer.cause());
    }
    return status().compose(outcome -> outcome.parts().size() >= count
      ? Future.succeededFuture()
      : client.delay(5).compose(v -> listed(count, answer)));
  }

  private Future<?> sendHeld(PartSpec part) {
    String query = "?txn=" + Transport.encode(id);
    if (part instanceof PartSpec.Import i) {
      String uri = i.source() instanceof CsvSource.FromUri u ? "&uri=" + Transport.encode(u.uri()) : "";
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "application/json");
      return tracked(sent -> client.upload(HttpMethod.valueOf(i.settings().method().name()),
        i.service() + query + i.settings().query() + uri, headers, i.source(), i.service(), sent)).compose(Transport::body);
    }
    PartSpec.Export e = (PartSpec.Export) part;
    if (e.target() instanceof CsvTarget.ToUri u) {
      return client.request(HttpMethod.GET, e.service() + query + "&uri=" + Transport.encode(u.uri()),
        MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "application/json")).compose(Transport::body);
    }
    return client.request(HttpMethod.GET, e.service() + query, MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "text/csv"))
      .compose(response -> response.statusCode() == 200 ? client.save(response, e.target(), e.service()) : client.failure(response));
  }
}
