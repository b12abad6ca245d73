package io.tdx.http;

import io.tdx.problem.ProblemException;
import io.tdx.txn.TxnReply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * A CSV file (a part's result, an error file) as the response body, read in 64 KiB chunks and
 * written with back-pressure through the response's own writes: the bytes written grow as the
 * client takes them, so {@link IdleConnections} tells a slow download from a stalled one
 * ({@code sendFile} counts the whole file as written at once).
 */
final class CsvFileResponse {
  private static final int CHUNK = 64 * 1024;

  private CsvFileResponse() {
  }

  /**
   * Sends a part's result file, {@link #send(RoutingContext, String) from this node's disk} or
   * read from the node that holds it, a chunk at a time as the client takes them.
   */
  static Future<Void> send(RoutingContext ctx, TxnClient txns, TxnReply reply) {
    if (reply.fileOn(txns.node())) {
      return send(ctx, reply.file().toString());
    }
    return txns.readResult(reply.node(), reply.file(), 0).compose(first -> {
      long size = first.document().getLong("size");
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size));
      return sendFrom(ctx, txns, reply, first.data(), 0, size);
    });
  }

  /** Whether the result file is still there, on this node or the one that holds it. */
  static Future<Boolean> exists(RoutingContext ctx, TxnClient txns, TxnReply reply) {
    if (reply.fileOn(txns.node())) {
      return ctx.vertx().fileSystem().exists(reply.file().toString());
    }
    // missing there, or there is no longer such a node (it left without handing its results over)
    return txns.readResult(reply.node(), reply.file(), 0).map(true)
      .recover(e -> e instanceof ProblemException missing && (missing.status() == 404 || missing.type().equals("owner-unavailable"))
        ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  private static Future<Void> sendFrom(RoutingContext ctx, TxnClient txns, TxnReply reply, Buffer chunk, long offset, long size) {
    HttpServerResponse response = ctx.response();
    long next = offset + chunk.length();
    if (next >= size) {
      return response.end(chunk);
    }
    if (chunk.length() == 0) {
      return Future.failedFuture(new IllegalStateException("result " + reply.file() + " on node " + reply.node() + " shrank"));
    }
    response.write(chunk);
    Promise<Void> drained = Promise.promise();
    if (response.writeQueueFull()) {
      response.drainHandler(v -> drained.tryComplete());
    } else {
      drained.complete();
    }
    return drained.future().compose(v -> txns.readResult(reply.node(), reply.file(), next))
      .compose(more -> sendFrom(ctx, txns, reply, more.data(), next, size));
  }

  /** Sends the file with the response's status and headers so far; fails (before the head is written) if it cannot be read. */
  static Future<Void> send(RoutingContext ctx, String file) {
    return ctx.vertx().fileSystem().open(file, new OpenOptions().setRead(true).setWrite(false).setCreate(false))
      .compose(opened -> sendOpened(ctx, opened));
  }

  private static Future<Void> sendOpened(RoutingContext ctx, AsyncFile file) {
    file.setReadBufferSize(CHUNK);
    return file.size()
      .compose(size -> {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
          .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size));
        return file.pipeTo(ctx.response());
      })
      .eventually(file::close);
  }
}
