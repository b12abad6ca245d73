package io.tdx.files;

import io.tdx.problem.ProblemException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Imports from {@code http://} and {@code https://} URIs, safely for a server exposed to many
 * clients: only hosts the configuration allows, and by default no loopback, link-local, private
 * or otherwise internal address (checked after DNS resolution, again at every redirect); sizes
 * and times bounded. Blocking: call it from worker threads only.
 */
public final class HttpFetcher {
  private static final int MAX_REDIRECTS = 5;
  private final List<String> allowHosts;
  private final boolean allowPrivate;
  private final long maxBytes;
  private final Duration timeout;
  private final HttpClient client;

  public HttpFetcher(List<String> allowHosts, boolean allowPrivate, long maxBytes, Duration timeout) {
    this.allowHosts = allowHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    this.allowPrivate = allowPrivate;
    this.maxBytes = maxBytes;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
  }

  public static boolean handles(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** The body at {@code uri}, following at most five redirects, each checked; gzip is decoded. */
  public InputStream open(String uri) throws IOException, InterruptedException {
    URI current = URI.create(uri);
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      check(uri, current);
      HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(current).timeout(timeout)
        .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
        response.body().close();
        current = current.resolve(response.headers().firstValue("Location").get());
        continue;
      }
      if (status == 404 || status == 410) {
        response.body().close();
        throw new ProblemException(404, "file-not-found", "File not found", uri + " answered " + status).with("uri", uri);
      }
      if (status != 200) {
        response.body().close();
        throw new ProblemException(502, "fetch-failed", "Fetch failed", uri + " answered HTTP " + status).with("uri", uri);
      }
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (length > maxBytes) {
        response.body().close();
        throw tooLarge(uri);
      }
      InputStream body = new Bounded(response.body(), maxBytes, uri);
      boolean gzip = response.headers().firstValue("Content-Encoding").map(e -> e.equalsIgnoreCase("gzip")).orElse(false)
        || current.getPath().endsWith(".gz");
      return gzip ? new GZIPInputStream(body, 1 << 16) : body;
    }
    throw new ProblemException(502, "fetch-failed", "Fetch failed", uri + " redirects more than " + MAX_REDIRECTS + " times")
      .with("uri", uri);
  }

  private void check(String uri, URI target) {
    String host = target.getHost();
    if (host == null || !(target.getScheme().equalsIgnoreCase("http") || target.getScheme().equalsIgnoreCase("https"))) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", uri + " leads to " + target + ", not an http(s) URL");
    }
    if (allowHosts.contains(host.toLowerCase(Locale.ROOT))) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new ProblemException(502, "fetch-failed", "Fetch failed", "host " + host + " of " + uri + " does not resolve")
        .with("uri", uri);
    }
    for (InetAddress address : addresses) {
      if (!allowPrivate && internal(address)) {
        throw new ProblemException(403, "file-forbidden", "File access forbidden", uri + ": " + host + " resolves to "
          + address.getHostAddress() + ", an internal address; only hosts in files.httpAllowHosts may be internal")
          .with("uri", uri).with("rule", "internal-address");
      }
    }
  }

  static boolean internal(InetAddress address) {
    return address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
      || address.isAnyLocalAddress() || address.isMulticastAddress()
      || (address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc);
  }

  private static ProblemException tooLarge(String uri) {
    return new ProblemException(413, "body-too-large", "File too large", uri + " is larger than limits.maxBodyBytes")
      .with("uri", uri);
  }

  /** Refuses to read past the byte limit. */
  private static final class Bounded extends FilterInputStream {
    private final long max;
    private final String uri;
    private long read;

    Bounded(InputStream in, long max, String uri) {
      super(in);
      this.max = max;
      this.uri = uri;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > max) {
        throw tooLarge(uri);
      }
    }
  }
}
