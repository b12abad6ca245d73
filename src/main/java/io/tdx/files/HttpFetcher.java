package io.tdx.files;

import io.tdx.problem.ProblemException;
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
final class HttpFetcher implements FileStore {
  private static final int MAX_REDIRECTS = 5;
  private final List<String> allowHosts;
  private final boolean allowPrivate;
  private final long maxBytes;
  private final Duration timeout;
  private final HttpClient client;

  HttpFetcher(List<String> allowHosts, boolean allowPrivate, long maxBytes, Duration timeout) {
    this.allowHosts = allowHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    this.allowPrivate = allowPrivate;
    this.maxBytes = maxBytes;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
  }

  @Override
  public void check(URI uri) throws IOException, InterruptedException {
    open(uri).close();
  }

  @Override
  public Pending stage(URI uri, Writer writer) {
    throw ProblemException.badRequest("unsupported-scheme", "Unsupported URI scheme",
      "uri=" + uri + ": http(s):// URIs are for imports only; export to file://, s3:// or gs://");
  }

  /** The body at {@code uri}, following at most five redirects, each checked; a gzip encoding is decoded. */
  @Override
  public InputStream open(URI target) throws IOException, InterruptedException {
    String uri = target.toString();
    URI current = target;
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
        throw BoundedInputStream.tooLarge(uri);
      }
      InputStream body = new BoundedInputStream(response.body(), maxBytes, uri);
      boolean gzip = response.headers().firstValue("Content-Encoding").map(e -> e.equalsIgnoreCase("gzip")).orElse(false);
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
}
