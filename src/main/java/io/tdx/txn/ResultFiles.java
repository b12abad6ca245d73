package io.tdx.txn;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where a part's result (an import's error file, an export's CSV) lives in the result store, and
 * which results are kept: {@code ROOT/MINUTE/TXN-PART.csv}, MINUTE being the minute (since the
 * epoch) of the transaction's commit, so the document alone names the file and the store ages
 * and evicts whole minutes, oldest first, with one counter per minute.
 */
public final class ResultFiles {
  private ResultFiles() {
  }

  /** The result file of a part of a transaction committed at {@code committed}. */
  public static Path of(Path root, Instant committed, String txn, String part) {
    return root.resolve(Long.toString(minute(committed))).resolve(txn + "-" + part + ".csv");
  }

  /** The result file a part document names, or null when the transaction was never committed. */
  public static Path of(Path root, JsonObject txn, String part) {
    String committed = txn.getString("committed");
    return committed == null ? null : of(root, Instant.parse(committed), txn.getString("id"), part);
  }

  static long minute(Instant time) {
    return Math.floorDiv(time.getEpochSecond(), 60);
  }

  /** Whether the part ran and has a CSV to serve: an export to the server, an import that ran (or failed) with a summary. */
  public static boolean hasCsv(JsonObject part) {
    String state = part.getString("state");
    if (isExport(part)) {
      return part.getString("uri") == null && "DONE".equals(state);
    }
    return "DONE".equals(state) || "FAILED".equals(state);
  }

  /** Whether the part's CSV is kept as a file: an export's, or an error file with rejected rows. */
  public static boolean kept(JsonObject part) {
    return hasCsv(part) && (isExport(part) || rejected(part) > 0);
  }

  /** An import that rejected no row: its error file is only the header, made on demand, never stored. */
  public static boolean headerOnly(JsonObject part) {
    return hasCsv(part) && !isExport(part) && part.getJsonObject("result") != null && rejected(part) == 0
      && part.getJsonObject("result").getJsonArray("header") != null;
  }

  private static boolean isExport(JsonObject part) {
    return "GET".equals(part.getString("method"));
  }

  private static long rejected(JsonObject part) {
    JsonObject result = part.getJsonObject("result");
    return result == null ? 0 : result.getLong("rejected", 0L);
  }
}
