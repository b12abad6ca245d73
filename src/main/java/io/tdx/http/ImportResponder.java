package io.tdx.http;

import io.tdx.load.ErrorSink;
import io.tdx.load.ImportOptions;
import io.tdx.load.ImportOptions.ReturnErrors;
import io.tdx.load.ImportResult;
import io.tdx.problem.ProblemException;
import io.tdx.service.CsvDialect;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers an import: the JSON summary for {@code Accept: application/json}; otherwise the error
 * file as {@code text/csv} when {@code return_errors} asks for it, or a one-line summary.
 * An import aborted by {@code abort_on_error} is a {@code 422}. Every answer carries the counts
 * in {@code TDX-Rows-*} headers.
 */
final class ImportResponder {
  private ImportResponder() {
  }

  /** The counts of an import's JSON summary as {@code TDX-Rows-*} headers. */
  static void counts(HttpServerResponse response, JsonObject summary) {
    if (summary == null) {
      return;
    }
    response.putHeader("TDX-Rows-Read", String.valueOf(summary.getLong("read")))
      .putHeader("TDX-Rows-Inserted", String.valueOf(summary.getLong("inserted")))
      .putHeader("TDX-Rows-Updated", String.valueOf(summary.getLong("updated")))
      .putHeader("TDX-Rows-Deleted", String.valueOf(summary.getLong("deleted")))
      .putHeader("TDX-Rows-Rejected", String.valueOf(summary.getLong("rejected")));
  }

  /** An import aborted by abort_on_error, answered as JSON. */
  static ProblemException aborted(JsonObject summary) {
    return new ProblemException(422, "rows-rejected", "Import aborted",
      summary.getLong("rejected") + " rows were rejected and abort_on_error=true: nothing was written")
      .with("summary", summary);
  }

  /** Whether an import not answered as JSON is answered with its error file (else its one-line summary). */
  static boolean sendsErrorFile(boolean aborted, ReturnErrors returnErrors, long rejected) {
    return aborted || returnErrors == ReturnErrors.ALWAYS || (returnErrors == ReturnErrors.ON_ERROR && rejected > 0);
  }

  /** Sends the answer; the returned future completes once the error file may be deleted. */
  static Future<Void> respond(RoutingContext ctx, ImportResult result, ImportOptions options, CsvDialect dialect) {
    HttpServerResponse response = ctx.response();
    counts(response, result.toJson());
    boolean json = Negotiation.wantsJson(ctx);
    if (result.aborted() && json) {
      ctx.fail(aborted(result.toJson()));
      return Future.succeededFuture();
    }
    if (json) {
      return JsonResponse.end(response, result.toJson());
    }
    if (sendsErrorFile(result.aborted(), options.returnErrors(), result.rejected())) {
      response.setStatusCode(result.aborted() ? 422 : 200);
      if (result.errorFile() == null) {
        return response.putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
          .end(Buffer.buffer(ErrorSink.headerOnly(dialect, result.header())));
      }
      return CsvFileResponse.send(ctx, result.errorFile().toString());
    }
    return response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(result.toText());
  }
}
