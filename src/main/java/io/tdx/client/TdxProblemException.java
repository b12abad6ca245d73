package io.tdx.client;

import io.vertx.core.json.JsonObject;

/**
 * The server refused a request with an HTTP error and, where it sent one, an RFC 9457 problem
 * document: {@link #status()}, {@link #type()} (the server's stable code, such as
 * {@code unknown-column}), {@link #title()}, {@link #detail()} and every other member in
 * {@link #problem()}.
 */
public final class TdxProblemException extends TdxException {
  private final int status;
  private final JsonObject problem;

  TdxProblemException(int status, JsonObject problem) {
    super(status + " " + problem.getString("title", "") + ": " + problem.getString("detail", ""), null);
    this.status = status;
    this.problem = problem;
  }

  public int status() {
    return status;
  }

  public String type() {
    return problem.getString("type", "about:blank");
  }

  public String title() {
    return problem.getString("title");
  }

  public String detail() {
    return problem.getString("detail");
  }

  /** The whole problem document (a copy). */
  public JsonObject problem() {
    return problem.copy();
  }
}
