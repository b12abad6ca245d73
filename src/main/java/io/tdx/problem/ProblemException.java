package io.tdx.problem;

import io.vertx.core.json.JsonObject;

/**
 * A failure that the client is told about as an RFC 9457 problem document: a status, a stable
 * type (a short slug such as {@code unknown-column}), a title, a detail naming what is wrong,
 * and extension members (service, column, line).
 */
public class ProblemException extends RuntimeException {
  private final int status;
  private final String type;
  private final String title;
  private final JsonObject extensions;

  public ProblemException(int status, String type, String title, String detail) {
    this(status, type, title, detail, new JsonObject());
  }

  public ProblemException(int status, String type, String title, String detail, JsonObject extensions) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
    this.extensions = extensions;
  }

  public static ProblemException badRequest(String type, String title, String detail) {
    return new ProblemException(400, type, title, detail);
  }

  public ProblemException with(String member, Object value) {
    extensions.put(member, value);
    return this;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public JsonObject extensions() {
    return extensions;
  }

  /** The problem document ({@code application/problem+json}). */
  public JsonObject toJson(String instance) {
    JsonObject json = new JsonObject()
      .put("type", "urn:tdx:problem:" + type)
      .put("title", title)
      .put("status", status)
      .put("detail", getMessage());
    if (instance != null) {
      json.put("instance", instance);
    }
    return json.mergeIn(extensions);
  }

  /** The problem {@link #toJson} describes (as a message from another node carries it). */
  public static ProblemException fromJson(JsonObject json) {
    JsonObject extensions = json.copy();
    for (String member : new String[] {"type", "title", "status", "detail", "instance"}) {
      extensions.remove(member);
    }
    String type = json.getString("type", "");
    return new ProblemException(json.getInteger("status", 500), type.startsWith("urn:tdx:problem:")
      ? type.substring("urn:tdx:problem:".length()) : type, json.getString("title"), json.getString("detail"), extensions);
  }
}
