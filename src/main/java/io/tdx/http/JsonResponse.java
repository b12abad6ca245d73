package io.tdx.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * How the server writes a JSON document as a response: indented for a person reading it with
 * curl, ending with a line feed (so a terminal's prompt starts on a line of its own), typed
 * {@code application/json} ({@link #text} alone for a problem, typed as one). Compact documents
 * made no difference measured under the small-transaction load (bench/ab, PostgreSQL).
 */
final class JsonResponse {
  private JsonResponse() {
  }

  static Future<Void> end(HttpServerResponse response, JsonObject document) {
    return response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(text(document));
  }

  static String text(JsonObject document) {
    return document.encodePrettily() + "\n";
  }
}
