package io.tdx.files;

import io.tdx.config.FilesConfig;
import io.tdx.problem.ProblemException;
import io.tdx.stream.ReadStreamInputStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Imports from {@code http://} and {@code https://} URIs, safely for a server exposed to many
 * clients: only hosts the configuration allows, and by default no loopback, link-local, private
 * or otherwise internal address. The name is resolved once, the addresses checked, and the
 * connection made to the checked address (the host name still goes in {@code Host} and TLS SNI,
 * and the certificate is verified against it), so a DNS answer that changes after the check
 * (DNS rebinding) cannot redirect the fetch; every redirect is checked the same way. Sizes and
 * times are bounded: a connection takes at most {@code files.httpConnectTimeoutSeconds}, the
 * answer and each next byte at most {@code files.httpIdleTimeoutSeconds}, and the fetch keeps its
 * reader waiting at most {@code files.httpTimeoutSeconds} in all ({@code 504}). The body is asked
 * for as gzip and decoded by the reader, on its worker, so its decoded size is bounded where it
 * is read.
 *
 * <p>A verticle: its HTTP client lives on its event loop; workers call {@link #open} and read the
 * response as a blocking stream with back-pressure.
 */
final class HttpFetcher extends VerticleBase implements FileStore {
  private static final int MAX_REDIRECTS = 5;
  private final List<String> allowHosts;
  private final boolean allowPrivate;
  private final long maxBytes;
  private final Duration connect;
  private final Duration idle;
  private final Duration total;
  private volatile HttpClient client;
  private volatile Context loop;
  // the JDK caches its trust store behind a weak reference: held here, the first https:// fetch finds it loaded
  private volatile TrustManager[] trustAnchors;

  HttpFetcher(FilesConfig config, long maxBytes) {
    this.allowHosts = config.httpAllowHosts();
    this.allowPrivate = config.httpAllowPrivate();
    this.maxBytes = maxBytes;
    this.connect = Duration.ofSeconds(config.httpConnectTimeoutSeconds());
    this.idle = Duration.ofSeconds(config.httpIdleTimeoutSeconds());
    this.total = Duration.ofSeconds(config.httpTimeoutSeconds());
  }

  @Override
  public Future<?> start() {
    loop = context;
    client = vertx.createHttpClient(new HttpClientOptions()
      .setConnectTimeout((int) connect.toMillis())
      .setSslHandshakeTimeout(connect.toMillis())
      .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
      .setDecompressionSupported(false)
      .setVerifyHost(true)
      .setForceSni(true)
      .setMaxRedirects(0));
    // the JDK's trust store and TLS defaults are loaded once, on first TLS use: here on a worker, not on the event loop
    return vertx.executeBlocking(() -> {
      for (String tls : List.of("io.vertx.core.spi.tls.DefaultJDKCipherSuite", "io.netty.handler.ssl.JdkSslContext")) {
        Class.forName(tls, true, HttpFetcher.class.getClassLoader());
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init((KeyStore) null);
      trustAnchors = trust.getTrustManagers();
      return null;
    }, false);
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  @Override
  public Pending stage(URI uri, Writer writer) {
    throw ProblemException.badRequest("unsupported-scheme", "Unsupported URI scheme",
      "uri=" + uri + ": http(s):// URIs are for imports only; export to file://, s3:// or gs://");
  }

  /** The body at {@code uri}, following at most five redirects, each checked; a gzip encoding is decoded. */
  @Override
  public InputStream open(URI target) throws Exception {
    String uri = target.toString();
    URI current = target;
    FetchClock clock = new FetchClock(idle, total);
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      Fetched response = fetch(uri, current, check(uri, current), clock);
      int status = response.status();
      if (status >= 300 && status < 400 && response.location() != null) {
        current = current.resolve(response.location());
        continue;
      }
      if (status == 404 || status == 410) {
        throw new ProblemException(404, "file-not-found", "File not found", uri + " answered " + status).with("uri", uri);
      }
      if (status != 200) {
        throw failed(uri, uri + " answered HTTP " + status).with("rule", "store-error");
      }
      return decoded(uri, response);
    }
    throw failed(uri, uri + " redirects more than " + MAX_REDIRECTS + " times").with("rule", "store-error");
  }

  /** A response: its status, its redirect, and for a 200 its encoding and body (else the exchange is reset). */
  private record Fetched(int status, String location, String encoding, InputStream body) {
  }

  private Fetched fetch(String uri, URI current, InetAddress address, FetchClock clock) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(current.toString())
      .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port(current))))
      .setConnectTimeout(connect.toMillis()).setIdleTimeout(idle.toMillis())
      .putHeader(HttpHeaders.ACCEPT_ENCODING, "gzip");
    CompletableFuture<Fetched> fetched = new CompletableFuture<>();
    loop.runOnContext(v -> client.request(options)
      .compose(HttpClientRequest::send)
      .map(response -> received(uri, response, clock))
      .onComplete(done -> {
        if (done.succeeded()) {
          fetched.complete(done.result());
        } else {
          fetched.completeExceptionally(done.cause());
        }
      }));
    long start = System.nanoTime();
    try {
      return fetched.get(Math.max(clock.remaining(), 0), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw failure(uri, e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      // an answer arriving after all is abandoned
      fetched.thenAccept(late -> close(late.body()));
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw clock.exhausted(uri, "an answer");
    } finally {
      clock.waited(System.nanoTime() - start);
    }
  }

  private static void close(InputStream body) {
    if (body != null) {
      try {
        body.close();
      } catch (IOException ignored) {
        // an abandoned body: nothing more to do with it
      }
    }
  }

  /** On the event loop, as the response head arrives: the body stream is attached before any hop. */
  private Fetched received(String uri, HttpClientResponse response, FetchClock clock) {
    String location = response.getHeader(HttpHeaders.LOCATION);
    if (response.statusCode() != 200) {
      response.request().reset();
      return new Fetched(response.statusCode(), location, null, null);
    }
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > maxBytes) {
      response.request().reset();
      throw FileAccess.tooLarge(uri);
    }
    return new Fetched(200, location, response.getHeader(HttpHeaders.CONTENT_ENCODING),
      new ReadStreamInputStream(response, loop, new FetchedBody(response, uri, maxBytes, clock)));
  }

  /** The body without its {@code Content-Encoding}: gzip is decoded here, on the reader's worker; others are refused. */
  private static InputStream decoded(String uri, Fetched response) {
    String encoding = response.encoding() == null ? "identity" : response.encoding().strip().toLowerCase(Locale.ROOT);
    if (encoding.isEmpty() || encoding.equals("identity")) {
      return response.body();
    }
    if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
      try {
        return new GZIPInputStream(response.body(), 1 << 16);
      } catch (IOException e) {
        close(response.body());
        throw failed(uri, uri + " answered Content-Encoding: gzip that is not gzip: " + e.getMessage()).with("rule", "bad-encoding");
      }
    }
    close(response.body());
    throw failed(uri, uri + " answered Content-Encoding: " + encoding + ", which this server does not decode (it asks for gzip)")
      .with("rule", "bad-encoding");
  }

  /** A {@code 502 fetch-failed} (the caller adds its rule). */
  static ProblemException failed(String uri, String detail) {
    return new ProblemException(502, "fetch-failed", "Fetch failed", detail).with("uri", uri);
  }

  /** A {@code 504 fetch-failed}, rule {@code timeout}. */
  static ProblemException timeout(String uri, String detail) {
    return new ProblemException(504, "fetch-failed", "Fetch timed out", detail).with("uri", uri).with("rule", "timeout");
  }

  private static ProblemException failure(String uri, Throwable cause) {
    if (cause instanceof ProblemException problem) {
      return problem;
    }
    if (cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
      return timeout(uri, uri + " timed out: " + cause.getMessage() + " (files.httpConnectTimeoutSeconds for the connection, "
        + "files.httpIdleTimeoutSeconds for the answer)");
    }
    return failed(uri, uri + " cannot be fetched: " + cause.getMessage()).with("rule", "unreachable");
  }

  private static int port(URI target) {
    return target.getPort() > 0 ? target.getPort() : target.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** Resolves the host once and returns the address to connect to, refusing internal ones unless allowed. */
  private InetAddress check(String uri, URI target) {
    String host = target.getHost();
    if (host == null || !(target.getScheme().equalsIgnoreCase("http") || target.getScheme().equalsIgnoreCase("https"))) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", uri + " leads to " + target + ", not an http(s) URL");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw failed(uri, "host " + host + " of " + uri + " does not resolve").with("rule", "unreachable");
    }
    String hostPort = host.toLowerCase(Locale.ROOT) + ":" + port(target);
    if (allowPrivate || allowHosts.contains(hostPort)) {
      return addresses[0];
    }
    for (InetAddress address : addresses) {
      if (InternalAddresses.internal(address)) {
        throw new ProblemException(403, "file-forbidden", "File access forbidden", uri + ": " + host + " resolves to "
          + address.getHostAddress() + ", an internal address; only " + hostPort + " listed in files.httpAllowHosts may be")
          .with("uri", uri).with("rule", "internal-address");
      }
    }
    return addresses[0];
  }
}
