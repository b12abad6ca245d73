package io.tdx.files;

import io.tdx.problem.ProblemException;
import java.time.Duration;

/**
 * The time one {@code http(s)://} fetch may keep its reader waiting: each wait at most
 * {@code idle} ({@code files.httpIdleTimeoutSeconds}), all waits together at most {@code total}
 * ({@code files.httpTimeoutSeconds}), across redirects, the answer and the body. Used by one
 * reader at a time.
 */
final class FetchClock {
  private final Duration idle;
  private final Duration total;
  private long waited;

  FetchClock(Duration idle, Duration total) {
    this.idle = idle;
    this.total = total;
  }

  Duration idle() {
    return idle;
  }

  /** Nanoseconds the reader may still wait. */
  long remaining() {
    return total.toNanos() - waited;
  }

  void waited(long nanos) {
    waited += nanos;
  }

  /** The answer for a wait for {@code what} that ran out: the fetch's whole time, or one idle wait. */
  ProblemException timedOut(String uri, String what) {
    return remaining() <= 0 ? exhausted(uri, what)
      : HttpFetcher.timeout(uri, uri + " timed out waiting for " + what + ": no byte for " + idle.toSeconds()
        + " s (files.httpIdleTimeoutSeconds)");
  }

  /** The answer once the fetch's whole time ran out while waiting for {@code what}. */
  ProblemException exhausted(String uri, String what) {
    return HttpFetcher.timeout(uri, uri + " timed out waiting for " + what + ": the fetch waited "
      + total.toSeconds() + " s in all (files.httpTimeoutSeconds)");
  }
}
