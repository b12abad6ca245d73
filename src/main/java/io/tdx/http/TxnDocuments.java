package io.tdx.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The transaction document as text for terminals (browsers get the web console). */
final class TxnDocuments {
  private TxnDocuments() {
  }

  static String text(JsonObject txn) {
    StringBuilder out = new StringBuilder();
    out.append("transaction ").append(txn.getString("id")).append(txn.getBoolean("async") ? " (async)" : " (sync)")
      .append(": ").append(txn.getString("state")).append('\n')
      .append("  created   ").append(txn.getString("created")).append('\n');
    line(out, "committed", txn.getString("committed"));
    line(out, "finished", txn.getString("finished"));
    line(out, "cause", txn.getString("cause"));
    line(out, "progress", progress(txn.getJsonObject("progress")));
    for (Object value : txn.getJsonArray("parts", new JsonArray())) {
      JsonObject part = (JsonObject) value;
      out.append("  part ").append(part.getString("id")).append(' ').append(part.getString("method")).append(' ')
        .append(part.getString("service")).append(": ").append(part.getString("state"));
      if (part.getLong("bytes") != null) {
        out.append(", ").append(part.getLong("bytes")).append(" bytes received");
      }
      JsonObject result = part.getJsonObject("result");
      if (result != null) {
        out.append(" ").append(summary(result));
      }
      if (part.getString("error") != null) {
        out.append(" (").append(part.getString("error")).append(')');
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** One part of a transaction, for terminals ({@code GET /txn/ID/PART_ID}, {@code Accept: text/plain}). */
  static String partText(String txn, JsonObject part) {
    StringBuilder out = new StringBuilder();
    out.append("part ").append(part.getString("id")).append(" of transaction ").append(txn).append(": ")
      .append(part.getString("state")).append('\n');
    line(out, "request", part.getString("method") + " " + part.getString("service"));
    line(out, "uri", part.getString("uri"));
    line(out, "bytes", part.getLong("bytes") == null ? null : part.getLong("bytes") + " received");
    line(out, "status", part.getInteger("status") == null ? null : part.getInteger("status").toString());
    JsonObject result = part.getJsonObject("result");
    line(out, "result", result == null ? null : summary(result));
    line(out, "error", part.getString("error"));
    return out.toString();
  }

  /** One line per transaction, then {@code next PATH} when there is a next page. */
  static String listText(JsonArray transactions, String next) {
    StringBuilder text = new StringBuilder();
    transactions.forEach(t -> text.append(((JsonObject) t).getString("id")).append(' ')
      .append(((JsonObject) t).getString("state")).append('\n'));
    if (next != null) {
      text.append("next ").append(next).append('\n');
    }
    return text.toString();
  }

  /** A commit's progress in one line: {@code applying p2; p1 1000 staged, 1000 merged; p2 500 staged}. */
  static String progress(JsonObject progress) {
    if (progress == null) {
      return null;
    }
    StringBuilder line = new StringBuilder(progress.getString("phase"));
    if (progress.getString("part") != null) {
      line.append(' ').append(progress.getString("part"));
    }
    progress.getJsonObject("parts", new JsonObject()).forEach(part -> {
      JsonObject counts = (JsonObject) part.getValue();
      line.append("; ").append(part.getKey());
      if (counts.getLong("staged") != null) {
        line.append(' ').append(counts.getLong("staged")).append(" staged");
      }
      if (counts.getLong("merged") != null) {
        line.append(counts.getLong("staged") != null ? ", " : " ").append(counts.getLong("merged")).append(" merged");
      }
    });
    return line.toString();
  }

  private static String summary(JsonObject result) {
    if (result.containsKey("read")) {
      return result.getLong("read") + " read, " + result.getLong("inserted") + " inserted, " + result.getLong("updated")
        + " updated, " + result.getLong("deleted") + " deleted, " + result.getLong("rejected") + " rejected";
    }
    return result.getLong("rows", 0L) + " rows exported";
  }

  private static void line(StringBuilder out, String label, String value) {
    if (value != null) {
      out.append("  ").append(String.format("%-9s", label)).append(' ').append(value).append('\n');
    }
  }
}
