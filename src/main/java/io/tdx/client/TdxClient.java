package io.tdx.client;

import io.tdx.service.CsvDialect;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
 * Failures are {@link TdxException}s: transport, problem document, failed transaction; a local
 * file that cannot be read or written is an {@link IllegalArgumentException}. Idempotent
 * steps (GETs, commits, aborts) are tried again after a transport failure.
 */
public final class TdxClient implements AutoCloseable {
  static final int FIRST_ERRORS = 10;
  private final Transport transport;
  private final boolean owner;

  private TdxClient(Transport transport, boolean owner) {
    this.transport = transport;
    this.owner = owner;
  }

  /** A client with its own connection pool in {@code vertx}; {@link #close()} closes the pool. */
  public static TdxClient create(Vertx vertx, TdxClientOptions options) {
    return new TdxClient(Transport.create(vertx, options), true);
  }

  /** This client (the same pool) reporting the progress of its calls to {@code listener}. */
  public TdxClient withProgress(ProgressListener listener) {
    return new TdxClient(transport.withProgress(listener), false);
  }

  public TdxClientOptions options() {
    return transport.options();
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
      + (source instanceof CsvSource.FromUri u ? "&uri=" + Transport.encode(u.uri()) : "");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
      .set(HttpHeaders.ACCEPT, errorFile == null ? "application/json" : "text/csv");
    return transport.upload(HttpMethod.valueOf(settings.method().name()), service + query, headers, source, service)
      .compose(response -> {
        int status = response.statusCode();
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        if (errorFile == null) {
          return transport.json(response).map(json -> ImportOutcome.fromJson(json, null));
        }
        if ((status == 200 || status == 422) && type != null && type.startsWith("text/csv")) {
          ImportOutcome counts = fromHeaders(service, settings, response, status == 422);
          return transport.save(response, CsvTarget.file(errorFile), "errors of " + service)
            .compose(bytes -> firstErrors(service, errorFile))
            .map(first -> counts.withErrors(first, errorFile));
        }
        if (status == 200) {
          return Transport.body(response).map(body -> fromHeaders(service, settings, response, false));
        }
        return transport.failure(response);
      });
  }

  private static ImportOutcome fromHeaders(String service, ImportSettings settings, HttpClientResponse response, boolean aborted) {
    return new ImportOutcome(service, settings.method().name(), aborted, count(response, "TDX-Rows-Read"),
      count(response, "TDX-Rows-Inserted"), count(response, "TDX-Rows-Updated"), count(response, "TDX-Rows-Deleted"),
      count(response, "TDX-Rows-Rejected"), List.of(), false, Optional.empty());
  }

  private static long count(HttpClientResponse response, String header) {
    String value = response.getHeader(header);
    return value == null ? 0 : Long.parseLong(value);
  }

  /** The first rows of a saved error file, typed, read in the service's dialect. */
  private Future<List<RejectedRow>> firstErrors(String service, Path errorFile) {
    return dialect(service).compose(dialect -> transport.vertx().executeBlocking(() -> ErrorFiles.first(errorFile, dialect, FIRST_ERRORS), false));
  }

  /** A service's CSV dialect, from {@code GET /tdx/services}. */
  Future<CsvDialect> dialect(String service) {
    return transport.getJson("/tdx/services").map(json -> {
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
      return transport.exchange(HttpMethod.GET, service + "?uri=" + Transport.encode(u.uri()), null)
        .compose(response -> response.statusCode() == 200
          ? Future.succeededFuture(new ExportOutcome(service, Transport.bodyJson(response).getLong("bytes", -1L), Optional.of(u.uri())))
          : Future.failedFuture(Problems.of(response)));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "text/csv");
    if (gzip) {
      headers.set(HttpHeaders.ACCEPT_ENCODING, "gzip");
    }
    return transport.retrying(() -> transport.request(HttpMethod.GET, service, headers))
      .compose(response -> response.statusCode() == 200 ? transport.save(response, target, service) : transport.failure(response))
      .map(bytes -> new ExportOutcome(service, bytes, target instanceof CsvTarget.ToFile f
        ? Optional.of(f.path().toString()) : Optional.empty()));
  }

  // ------------------------------------------------------------------ transactions

  /** Starts a transaction; {@code async} for the asynchronous protocol. */
  public Future<TdxTransaction> start(boolean async) {
    return transport.exchange(HttpMethod.POST, "/txn/start" + (async ? "?async=true" : ""), null)
      .compose(response -> response.statusCode() == 201
        ? Future.succeededFuture(new TdxTransaction(transport, Transport.bodyJson(response).getString("id"), async))
        : Future.failedFuture(Problems.of(response)));
  }

  /**
   * The newest transactions first, at most {@code limit} (1..1000), only those in {@code state}
   * when it is not null: the caller's own (all of them for an admin, or on a server without
   * authentication).
   */
  public Future<List<TxnOutcome>> transactions(String state, int limit) {
    String query = "/txn?order=newest&limit=" + limit + (state == null ? "" : "&state=" + Transport.encode(state));
    return transport.retrying(() -> transport.exchange(HttpMethod.GET, query, null))
      .compose(response -> response.statusCode() == 200
        ? Future.succeededFuture(Transport.bodyJson(response).getJsonArray("transactions").stream()
          .map(t -> TxnOutcome.fromJson((io.vertx.core.json.JsonObject) t)).toList())
        : Future.failedFuture(Problems.of(response)));
  }

  /** A handle on a transaction started elsewhere (by id). */
  public TdxTransaction transaction(String id, boolean async) {
    return new TdxTransaction(transport, id, async);
  }

  /**
   * One transaction in one call: starts it, sends every part, commits them in order and waits
   * for the outcome (at most {@code timeout}); exports to files are saved. Fails with
   * {@link TdxTransactionFailedException} when the transaction does not commit.
   */
  public Future<TxnOutcome> run(boolean async, List<PartSpec> parts, Duration timeout) {
    return checkLocalFiles(parts).compose(v -> start(async)).compose(txn -> txn.run(parts, timeout));
  }

  /**
   * Checks the parts' local files before a transaction is started (a wrong path then costs the
   * server nothing): every file to import is readable, every file to export to can be created.
   * Fails with an {@link IllegalArgumentException} naming the file and why.
   */
  public Future<Void> checkLocalFiles(List<PartSpec> parts) {
    return LocalFiles.check(transport.vertx(), parts);
  }

  /** Closes the connection pool if this client made it. */
  @Override
  public void close() {
    closeAsync();
  }

  /** Closes the connection pool if this client made it; the future completes once closed. */
  public Future<Void> closeAsync() {
    return owner ? transport.close() : Future.succeededFuture();
  }
}
