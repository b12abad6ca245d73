package io.tdx.client;

import java.net.URI;
import java.time.Duration;

/**
 * Where the server is and how patient the client is with it.
 *
 * @param server         the server's base URL, such as {@code http://localhost:8080}
 * @param idleTimeout    a request fails when no byte moves for this long
 * @param retries        how often an idempotent step (a GET, a commit, an abort) is tried again after a transport failure
 * @param retryDelay     the wait before the first retry; it doubles with each
 * @param pollWait       the longest a single long poll of a transaction waits on the server (at most 300 s)
 * @param maxConnections the connection pool's size
 * @param token          the bearer token sent with every request ({@code Authorization: Bearer TOKEN}), or null
 */
public record TdxClientOptions(URI server, Duration idleTimeout, int retries, Duration retryDelay, Duration pollWait,
                               int maxConnections, String token) {

  public static final String DEFAULT_URL = "http://localhost:8080";

  public TdxClientOptions {
    if (server.getScheme() == null || server.getHost() == null) {
      throw new IllegalArgumentException("server URL needs a scheme and a host: " + server);
    }
    String base = server.toString();
    if (base.endsWith("/")) {
      server = URI.create(base.substring(0, base.length() - 1));
    }
    if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
      throw new IllegalArgumentException("a token is printable ASCII without spaces");
    }
    if (pollWait.toSeconds() < 1 || pollWait.toSeconds() > 300) {
      throw new IllegalArgumentException("pollWait must be 1..300 seconds: " + pollWait);
    }
  }

  public static TdxClientOptions of(String url) {
    return new TdxClientOptions(URI.create(url), Duration.ofMinutes(5), 3, Duration.ofMillis(200), Duration.ofSeconds(30), 16,
      null);
  }

  /** {@code TDX_URL} from the environment, else {@value #DEFAULT_URL}; {@code TDX_TOKEN}, if set, as the token. */
  public static TdxClientOptions fromEnvironment() {
    String url = System.getenv("TDX_URL");
    String token = System.getenv("TDX_TOKEN");
    return of(url == null || url.isBlank() ? DEFAULT_URL : url).token(token == null || token.isBlank() ? null : token.strip());
  }

  /** These options with a bearer token (null for none). */
  public TdxClientOptions token(String bearer) {
    return new TdxClientOptions(server, idleTimeout, retries, retryDelay, pollWait, maxConnections, bearer);
  }

  public TdxClientOptions retries(int count, Duration delay) {
    return new TdxClientOptions(server, idleTimeout, count, delay, pollWait, maxConnections, token);
  }

  public TdxClientOptions pollWait(Duration wait) {
    return new TdxClientOptions(server, idleTimeout, retries, retryDelay, wait, maxConnections, token);
  }

  public TdxClientOptions idleTimeout(Duration timeout) {
    return new TdxClientOptions(server, timeout, retries, retryDelay, pollWait, maxConnections, token);
  }
}
