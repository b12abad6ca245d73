package io.tdx.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Error answers made {@link TdxProblemException}s, in one place. */
final class Problems {
  private Problems() {
  }

  static TdxProblemException of(HttpResponse<Buffer> response) {
    return of(response.statusCode(), response.statusMessage(), response.body(), response.getHeader(HttpHeaders.CONTENT_TYPE.toString()));
  }

  /** The problem document of an error answer; a document made of the status and text when the body is not one. */
  static TdxProblemException of(int status, String message, Buffer body, String contentType) {
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
}
