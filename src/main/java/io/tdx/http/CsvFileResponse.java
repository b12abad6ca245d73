package io.tdx.http;

import io.vertx.core.Future;
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
