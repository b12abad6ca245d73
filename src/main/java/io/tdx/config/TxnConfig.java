package io.tdx.config;

import io.vertx.core.json.JsonObject;

/**
 * The transaction service (configuration field {@code txn}).
 *
 * @param retentionSeconds   how long a finished transaction stays queryable (default 4 days, as LogicBlox)
 * @param idleTimeoutSeconds an open transaction with no request for this long is aborted
 * @param maxOpen            open transactions at once; past it {@code POST /txn/start} answers {@code 503}
 * @param maxParts           parts in one transaction; past it a part answers {@code 503}
 * @param sweepSeconds       how often idle and expired transactions are looked for
 * @param maxSpoolBytes      bytes of part bodies kept on disk at once; past it a part answers {@code 503}
 * @param recentDocuments    finished transactions kept in memory (in all owners) for quick answers; the others answer
 *                           from their records in the workspace
 * @param resultBudgetBytes  bytes of part results (error files, exported CSV) kept on disk; past it the oldest go
 * @param resultMaxAgeSeconds how long a part result is kept at most (default: the retention)
 * @param memoryPartBytes    a part body of at most this many bytes (Content-Length, no content coding) is kept in memory
 *                           instead of a spool file: small transactions touch no file (0: every body is spooled)
 * @param maxMemoryBytes     bytes of part bodies kept in memory at once; past it a small body is spooled to disk too
 */
public record TxnConfig(long retentionSeconds, long idleTimeoutSeconds, int maxOpen, int maxParts, long sweepSeconds,
                        long maxSpoolBytes, int recentDocuments, long resultBudgetBytes, long resultMaxAgeSeconds,
                        int memoryPartBytes, long maxMemoryBytes) {

  static TxnConfig from(JsonObject json) {
    JsonObject j = json == null ? new JsonObject() : json;
    long retention = j.getLong("retentionSeconds", 4L * 24 * 3600);
    TxnConfig config = new TxnConfig(
      retention,
      j.getLong("idleTimeoutSeconds", 3600L),
      j.getInteger("maxOpen", 20_000),
      j.getInteger("maxParts", 1_000),
      j.getLong("sweepSeconds", 10L),
      j.getLong("maxSpoolBytes", 32L << 30),
      j.getInteger("recentDocuments", 1_000),
      j.getLong("resultBudgetBytes", 1L << 30),
      j.getLong("resultMaxAgeSeconds", retention),
      j.getInteger("memoryPartBytes", 64 << 10),
      j.getLong("maxMemoryBytes", 32L << 20));
    if (config.retentionSeconds < 1 || config.idleTimeoutSeconds < 1 || config.maxOpen < 1 || config.maxParts < 1
      || config.sweepSeconds < 1 || config.maxSpoolBytes < 1 || config.recentDocuments < 1 || config.resultBudgetBytes < 1
      || config.resultMaxAgeSeconds < 1 || config.maxMemoryBytes < 1) {
      throw new ConfigException("txn: every field must be at least 1 (memoryPartBytes at least 0)");
    }
    if (config.memoryPartBytes < 0 || config.memoryPartBytes > 16 << 20) {
      throw new ConfigException("txn.memoryPartBytes must be 0.." + (16 << 20));
    }
    return config;
  }
}
