package io.tdx.files;

import io.tdx.problem.ProblemException;
import io.tdx.stream.ReadStreamInputStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Imports from {@code http://} and {@code https://} URIs, safely for a server exposed to many
 * clients: only hosts the configuration allows, and by default no loopback, link-local, private
 * or otherwise internal address. The name is resolved once, the addresses checked, and the
 * connection made to the checked address (the host name still goes in {@code Host} and TLS SNI,
 * and the certificate is verified against it), so a DNS answer that changes after the check
 * (DNS rebinding) cannot redirect the fetch; every redirect is checked the same way. Sizes and
 * times are bounded.
 *
 * <p>A verticle: its HTTP client lives on its event loop; workers call {@link #open} and read the
 * response as a blocking stream with back-pressure.
 */
final class HttpFetcher extends VerticleBase implements FileStore {
  private static final int MAX_REDIRECTS = 5;
  private final List<String> allowHosts;
  private final boolean allowPrivate;
  private final long maxBytes;
  private final Duration timeout;
  private volatile HttpClient client;
  private volatile Context loop;

  HttpFetcher(List<String> allowHosts, boolean allowPrivate, long maxBytes, Duration timeout) {
    this.allowHosts = allowHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    this.allowPrivate = allowPrivate;
    this.maxBytes = maxBytes;
    this.timeout = timeout;
  }

  @Override
  public Future<?> start() {
    loop = context;
    client = vertx.createHttpClient(new HttpClientOptions()
      .setConnectTimeout((int) timeout.toMillis())
      .setDecompressionSupported(true)
      .setVerifyHost(true)
      .setForceSni(true)
      .setMaxRedirects(0));
    // the JDK's trust store is loaded once, on first TLS use: here on a worker, not on the event loop
    return vertx.executeBlocking(() -> Class.forName("io.vertx.core.spi.tls.DefaultJDKCipherSuite", true,
      HttpFetcher.class.getClassLoader()), false);
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
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      Fetched response = fetch(uri, current, check(uri, current));
      int status = response.status();
      if (status >= 300 && status < 400 && response.location() != null) {
        current = current.resolve(response.location());
        continue;
      }
      if (status == 404 || status == 410) {
        throw new ProblemException(404, "file-not-found", "File not found", uri + " answered " + status).with("uri", uri);
      }
      if (status != 200) {
        throw new ProblemException(502, "fetch-failed", "Fetch failed", uri + " answered HTTP " + status).with("uri", uri)
          .with("rule", "store-error");
      }
      return response.body();
    }
    throw new ProblemException(502, "fetch-failed", "Fetch failed", uri + " redirects more than " + MAX_REDIRECTS + " times")
      .with("uri", uri).with("rule", "store-error");
  }

  /** A response: its status, its redirect, and for a 200 its body as a stream (else the exchange is reset). */
  private record Fetched(int status, String location, InputStream body) {
  }

  private Fetched fetch(String uri, URI current, InetAddress address) throws Exception {
    boolean tls = current.getScheme().equalsIgnoreCase("https");
    int port = current.getPort() > 0 ? current.getPort() : tls ? 443 : 80;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(current.toString())
      .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
      .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis());
    CompletableFuture<Fetched> fetched = new CompletableFuture<>();
    loop.runOnContext(v -> client.request(options)
      .compose(request -> request.send())
      .map(response -> received(uri, response))
      .onComplete(done -> {
        if (done.succeeded()) {
          fetched.complete(done.result());
        } else {
          fetched.completeExceptionally(done.cause());
        }
      }));
    try {
      return fetched.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unreachable(uri, e.getCause());
    } catch (TimeoutException e) {
      throw unreachable(uri, new IOException("no answer within " + timeout.toSeconds() + " s (files.httpTimeoutSeconds)"));
    }
  }

  /** On the event loop, as the response head arrives: the body stream is attached before any hop. */
  private Fetched received(String uri, HttpClientResponse response) {
    String location = response.getHeader(HttpHeaders.LOCATION);
    if (response.statusCode() != 200) {
      response.request().reset();
      return new Fetched(response.statusCode(), location, null);
    }
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.strip().matches("\\d{1,18}") && Long.parseLong(length.strip()) > maxBytes) {
      response.request().reset();
      throw BoundedInputStream.tooLarge(uri);
    }
    InputStream body = new FilterInputStream(new ReadStreamInputStream(response, loop, Long.MAX_VALUE)) {
      @Override
      public void close() {
        // a body not read to its end is abandoned, not left paused in the connection pool
        loop.runOnContext(v -> response.request().reset());
      }
    };
    return new Fetched(200, location, body);
  }

  private static ProblemException unreachable(String uri, Throwable cause) {
    if (cause instanceof ProblemException problem) {
      return problem;
    }
    return new ProblemException(502, "fetch-failed", "Fetch failed", uri + " cannot be fetched: " + cause.getMessage())
      .with("uri", uri).with("rule", "unreachable");
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
      throw new ProblemException(502, "fetch-failed", "Fetch failed", "host " + host + " of " + uri + " does not resolve")
        .with("uri", uri).with("rule", "unreachable");
    }
    if (allowPrivate || allowHosts.contains(host.toLowerCase(Locale.ROOT))) {
      return addresses[0];
    }
    for (InetAddress address : addresses) {
      if (internal(address)) {
        throw new ProblemException(403, "file-forbidden", "File access forbidden", uri + ": " + host + " resolves to "
          + address.getHostAddress() + ", an internal address; only hosts in files.httpAllowHosts may be internal")
          .with("uri", uri).with("rule", "internal-address");
      }
    }
    return addresses[0];
  }

  static boolean internal(InetAddress address) {
    return address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
      || address.isAnyLocalAddress() || address.isMulticastAddress()
      || (address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc);
  }
}
