package io.tdx.http;

import io.tdx.config.Limits;
import io.tdx.load.ImportMode;
import io.tdx.load.ImportOptions;
import io.tdx.load.ImportRequest;
import io.tdx.problem.ProblemException;
import io.tdx.service.ServiceDefinition;
import io.tdx.worker.ExportJob;
import io.tdx.worker.ImportJob;
import io.tdx.worker.Jobs;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;

/**
 * One TDX service over HTTP: {@code GET} exports, {@code POST}, {@code PUT} and {@code DELETE}
 * import. Bodies stream from the socket to a workspace worker and exports stream back; the
 * handler itself holds no rows.
 */
final class ServiceHandler implements Handler<RoutingContext> {
  private static final Set<String> IMPORT_PARAMETERS = Set.of("abort_on_error", "return_errors", "ignore_unknown_columns");
  private final ServiceDefinition service;
  private final Jobs jobs;
  private final Limits limits;
  private final Path spool;

  ServiceHandler(ServiceDefinition service, Jobs jobs, Limits limits, Path spool) {
    this.service = service;
    this.jobs = jobs;
    this.limits = limits;
    this.spool = spool;
  }

  @Override
  public void handle(RoutingContext ctx) {
    switch (ctx.request().method().name()) {
      case "GET" -> exportCsv(ctx);
      case "HEAD" -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8").end();
      case "POST", "PUT", "DELETE" -> importCsv(ctx);
      default -> ctx.fail(notAllowed(ctx.request().method().name(), "GET, HEAD, POST, PUT, DELETE"));
    }
  }

  private void exportCsv(RoutingContext ctx) {
    rejectUnknownParameters(ctx.request(), Set.of());
    HttpServerResponse response = ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
      .setChunked(true);
    ResponseOutputStream csv = new ResponseOutputStream(response, Vertx.currentContext());
    jobs.run(new ExportJob(service, csv))
      .onSuccess(summary -> response.end())
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
    BodyInputStream body = new BodyInputStream(request, Vertx.currentContext(), limits.maxBodyBytes());
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      // only now, once the request is known to be acceptable, ask the client for its body
      ctx.response().writeContinue();
    }
    Path errorFile = spool.resolve("errors-" + UUID.randomUUID() + ".csv");
    ImportRequest importRequest = new ImportRequest(service, ImportMode.ofMethod(request.method().name()), options);
    jobs.run(new ImportJob(importRequest, body, errorFile))
      .compose(result -> ImportResponder.respond(ctx, result, options))
      .onFailure(ctx::fail)
      .onComplete(done -> ctx.vertx().fileSystem().delete(errorFile.toString()));
  }

  private static long parseLength(String length) {
    try {
      return Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest("bad-header", "Bad Content-Length", "Content-Length " + length + " is not a number");
    }
  }

  private void rejectUnknownParameters(HttpServerRequest request, Set<String> known) {
    for (String name : request.params().names()) {
      if (!known.contains(name)) {
        throw ProblemException.badRequest("unknown-parameter", "Unknown query parameter",
          "query parameter " + name + " is not understood by " + request.method().name() + " " + service.prefix()
            + (known.isEmpty() ? "" : " (known: " + String.join(", ", known.stream().sorted().toList()) + ")"))
          .with("parameter", name);
      }
    }
  }

  private ProblemException notAllowed(String method, String allow) {
    return new ProblemException(405, "method-not-allowed", "Method not allowed",
      method + " is not allowed on " + service.prefix() + (allow.equals("GET, HEAD") ? ", an export-only service" : ""))
      .with("allow", allow);
  }
}
