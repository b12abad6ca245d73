package io.tdx.txn;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a transaction's commit has come, written by the worker that runs it and read by its
 * owner when it shows the document: the phase ({@code queued} for a worker, {@code staging} the
 * imports' rows, {@code applying} them and the exports in the workspace transaction), the part
 * at work, and per part the rows staged (read and checked, counted as they go) and merged
 * (inserted, updated or deleted; an export's rows written).
 */
final class CommitProgress {
  private volatile String phase = "queued";
  private volatile String part;
  private final Map<String, AtomicLong> staged = new ConcurrentHashMap<>();
  private final Map<String, Long> merged = new ConcurrentHashMap<>();

  void phase(String phase, String part) {
    this.part = part;
    this.phase = phase;
  }

  /** The counter of the rows of {@code part} read so far, for the stager to advance. */
  AtomicLong staging(String part) {
    phase("staging", part);
    return staged.computeIfAbsent(part, p -> new AtomicLong());
  }

  void merged(String part, long rows) {
    merged.put(part, rows);
  }

  /** {@code {"phase", "part", "parts": {"p1": {"staged": N, "merged": M}}}}. */
  JsonObject toJson() {
    JsonObject parts = new JsonObject();
    staged.forEach((id, rows) -> parts.put(id, new JsonObject().put("staged", rows.get())));
    merged.forEach((id, rows) -> {
      JsonObject counts = parts.getJsonObject(id);
      parts.put(id, (counts == null ? new JsonObject() : counts).put("merged", rows));
    });
    return new JsonObject().put("phase", phase).put("part", part).put("parts", parts);
  }
}
