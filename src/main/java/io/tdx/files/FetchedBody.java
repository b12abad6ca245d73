package io.tdx.files;

import io.tdx.stream.StreamBounds;
import io.vertx.core.http.HttpClientResponse;

/**
 * The bounds of a fetched response's body (read through {@link io.tdx.stream.ReadStreamInputStream}):
 * at most {@code maxBytes} bytes as they travel, no read waiting longer than the idle timeout for
 * a byte, and the reads together waiting at most {@link FetchClock#remaining()}. Only the reader's
 * waits count: a worker busy with the rows it read does not use up the fetch's time. A bound
 * crossed is a problem ({@code 413}, {@code 504}), a broken connection a {@code 502}; a body
 * crossed or left unread is reset, not left paused in the connection pool.
 */
final class FetchedBody implements StreamBounds {
  private final HttpClientResponse response;
  private final String uri;
  private final long maxBytes;
  private final FetchClock clock;

  FetchedBody(HttpClientResponse response, String uri, long maxBytes, FetchClock clock) {
    this.response = response;
    this.uri = uri;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  @Override
  public long maxBytes() {
    return maxBytes;
  }

  @Override
  public long nextWaitNanos() {
    return Math.min(clock.idle().toNanos(), clock.remaining());
  }

  @Override
  public void waited(long nanos) {
    clock.waited(nanos);
  }

  @Override
  public Exception tooLarge() {
    response.request().reset();
    return FileAccess.tooLarge(uri);
  }

  @Override
  public Exception timedOut() {
    return clock.timedOut(uri, "the body");
  }

  @Override
  public Exception broken(Throwable cause) {
    return HttpFetcher.failed(uri, "the connection broke during the body: " + cause.getMessage()).with("rule", "unreachable");
  }

  @Override
  public void abandoned() {
    response.request().reset();
  }
}
