package io.tdx.config;

import io.vertx.core.json.JsonObject;

/**
 * The bounds every request is held to (configuration field {@code limits}).
 *
 * @param maxBodyBytes       largest import body, after gzip decoding ({@code 413} past it)
 * @param maxLineChars       longest CSV record, in characters ({@code 400} past it)
 * @param maxFields          most fields in a header or a record ({@code 400} past it)
 * @param maxHeaderChars     longest CSV header row, in characters ({@code 400} past it)
 * @param maxQueuedJobs      imports and exports waiting for a workspace worker ({@code 503} past it)
 * @param summaryErrors      rejected rows listed in a JSON summary
 * @param maxHttpHeaderBytes largest HTTP request head ({@code 431} past it)
 * @param bodyIdleSeconds    longest wait for the next byte of a request body ({@code 408} past it); also the
 *                           window over which {@code minBodyBytesPerSecond} is measured
 * @param minBodyBytesPerSecond slowest body accepted, averaged over each {@code bodyIdleSeconds} window
 *                           ({@code 408} below it; 0 checks only the idle time)
 * @param maxInFlight        work in flight at once: one-shot imports and exports, started transactions (until
 *                           they finish, at most a few seconds while idle), their parts and commits; past it new
 *                           work gets {@code 503}, a started transaction's requests only past twice it
 * @param connectionIdleSeconds how long a connection may wait on its client: with no request, or with a
 *                           request whose body or answer does not move; never while the server works on a request
 */
public record Limits(
  long maxBodyBytes,
  int maxLineChars,
  int maxFields,
  int maxHeaderChars,
  int maxQueuedJobs,
  int summaryErrors,
  int maxHttpHeaderBytes,
  int bodyIdleSeconds,
  long minBodyBytesPerSecond,
  int maxInFlight,
  int connectionIdleSeconds) {

  public static final long DEFAULT_MAX_BODY_BYTES = 16L << 30;
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;

  static Limits from(JsonObject json) {
    JsonObject j = json == null ? new JsonObject() : json;
    Limits limits = new Limits(
      j.getLong("maxBodyBytes", DEFAULT_MAX_BODY_BYTES),
      j.getInteger("maxLineChars", 1 << 20),
      j.getInteger("maxFields", 1024),
      j.getInteger("maxHeaderChars", 64 << 10),
      j.getInteger("maxQueuedJobs", 256),
      j.getInteger("summaryErrors", 10),
      j.getInteger("maxHttpHeaderBytes", 16 << 10),
      j.getInteger("bodyIdleSeconds", 30),
      j.getLong("minBodyBytesPerSecond", 1024L),
      j.getInteger("maxInFlight", DEFAULT_MAX_IN_FLIGHT),
      j.getInteger("connectionIdleSeconds", 300));
    if (limits.maxBodyBytes < 1 || limits.maxLineChars < 16 || limits.maxFields < 1 || limits.maxHeaderChars < 16
      || limits.maxQueuedJobs < 1 || limits.summaryErrors < 0 || limits.maxHttpHeaderBytes < 1024
      || limits.bodyIdleSeconds < 1 || limits.minBodyBytesPerSecond < 0
      || limits.maxInFlight < 1 || limits.maxInFlight > Integer.MAX_VALUE / 2 || limits.connectionIdleSeconds < 1) {
      throw new ConfigException("limits: every limit must be positive (maxLineChars and maxHeaderChars at least 16, maxHttpHeaderBytes at least 1024, minBodyBytesPerSecond may be 0)");
    }
    return limits;
  }
}
