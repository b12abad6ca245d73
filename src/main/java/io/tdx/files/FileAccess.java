package io.tdx.files;

import io.tdx.config.FilesConfig;
import io.tdx.problem.ProblemException;
import io.tdx.stream.BoundedInputStream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Files named by URI, for imports ({@link #open}) and exports ({@link #write}): {@code file://}
 * confined to {@code files.roots}, {@code http(s)://} (imports only) with no way to internal
 * addresses, {@code s3://} and {@code gs://}. A {@code .gz} name is gzip both ways; a remote
 * file is bounded by {@code limits.maxBodyBytes}. Blocking: call it from worker threads only.
 */
public final class FileAccess implements AutoCloseable {
  private static final int BUFFER = 1 << 16;
  private final Map<String, FileStore> stores;
  private final long maxBytes;
  private final Lazy.Closer built = new Lazy.Closer();
  private final Vertx vertx;
  private final String fetcher;

  /** Creates the {@code file://} roots if missing: blocking. */
  private FileAccess(Vertx vertx, String fetcher, HttpFetcher http, FilesConfig config, long maxBytes, CloudClients clients) {
    this.vertx = vertx;
    this.fetcher = fetcher;
    this.maxBytes = maxBytes;
    this.stores = Map.of(
      "file", new LocalFiles(config.roots(), config.overwrite()),
      "http", http,
      "https", http,
      "s3", new S3Files(config.s3(), config.overwrite(), clients.s3(), built,
        java.time.Duration.ofSeconds(config.httpConnectTimeoutSeconds()), java.time.Duration.ofSeconds(config.httpIdleTimeoutSeconds())),
      "gs", new GcsFiles(config.gcs(), config.overwrite(), clients.gcs(), built,
        java.time.Duration.ofSeconds(config.httpConnectTimeoutSeconds()), java.time.Duration.ofSeconds(config.httpIdleTimeoutSeconds())));
  }

  /** Deploys the {@code http(s)://} fetcher and creates the {@code file://} roots. */
  public static Future<FileAccess> deploy(Vertx vertx, FilesConfig config, long maxBytes, CloudClients clients) {
    HttpFetcher http = new HttpFetcher(config, maxBytes);
    return vertx.deployVerticle(http).compose(id -> vertx.executeBlocking(
        () -> new FileAccess(vertx, id, http, config, maxBytes, clients), false)
      .onFailure(e -> vertx.undeploy(id)));
  }

  /** Whether the URI names a file elsewhere, fetched (into a part's spool) rather than read in place. */
  public boolean remote(String uri) {
    return store(parse(uri)).remote();
  }

  /**
   * Readies a transaction part's file: a remote one is fetched, as stored, into {@code spool} and
   * its size returned; a local one is only opened, to check that it exists and may be read (0).
   * A remote {@code .gz} file is decoded as it arrives too, only to count its bytes: past
   * {@code limits.maxBodyBytes} decoded, the fetch fails at once ({@code 413}).
   */
  public long fetch(String uri, Path spool) throws Exception {
    URI parsed = parse(uri);
    FileStore store = store(parsed);
    try (InputStream stored = bounded(store.open(parsed), maxBytes, uri)) {
      if (!store.remote()) {
        return 0;
      }
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool, StandardOpenOption.CREATE_NEW), BUFFER)) {
        Tee tee = new Tee(stored, out);
        bounded(decompressed(parsed, tee), maxBytes, uri).transferTo(OutputStream.nullOutputStream());
        tee.transferTo(OutputStream.nullOutputStream());
      }
      return Files.size(spool);
    }
  }

  /** Opens a file to import, streamed; a {@code .gz} file is decompressed. Both its bytes as stored and as decoded are bounded. */
  public InputStream open(String uri) throws Exception {
    URI parsed = parse(uri);
    InputStream stored = store(parsed).open(parsed);
    return bounded(decompressed(parsed, bounded(stored, maxBytes, uri)), maxBytes, uri);
  }

  /**
   * {@link #open} on a worker of Vert.x's pool, not a workspace worker: an import takes a
   * workspace worker only once its file answered (a connection that never comes holds none).
   */
  public Future<InputStream> opening(String uri) {
    return vertx.executeBlocking(() -> open(uri), false);
  }

  /** Copies what is read from a stream to another: a fetched file goes to the spool as it is decoded. */
  private static final class Tee extends FilterInputStream {
    private final OutputStream copy;

    Tee(InputStream in, OutputStream copy) {
      super(in);
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        copy.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        copy.write(buffer, offset, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      throw new IOException("a copied stream is read, not skipped");
    }
  }

  /** Opens a spooled copy of a remote file. */
  public static InputStream openSpooled(String uri, Path spooled) throws IOException {
    return decompressed(URI.create(uri), Files.newInputStream(spooled));
  }

  /** A {@code .gz} name whose bytes start as gzip does (an HTTP server may have decoded it already) is decompressed. */
  private static InputStream decompressed(URI uri, InputStream stored) throws IOException {
    BufferedInputStream in = new BufferedInputStream(stored, BUFFER);
    if (!uri.getPath().endsWith(".gz")) {
      return in;
    }
    in.mark(2);
    boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
    in.reset();
    return gzip ? new GZIPInputStream(in, BUFFER) : in;
  }

  /** Produces an export onto a stream and says what it wrote. */
  @FunctionalInterface
  public interface Writer<T> {
    T write(OutputStream out) throws Exception;
  }

  /**
   * An export written but not yet visible at its URI: {@link #publish()} makes it appear whole,
   * {@link #discard()} drops it.
   *
   * @param result what the writer said it wrote
   * @param bytes  the bytes stored (after gzip)
   */
  public record Staged<T>(T result, long bytes, FileStore.Pending pending) {
    public void publish() throws Exception {
      pending.publish();
    }

    public void discard() {
      pending.discard();
    }
  }

  /** Writes to {@code uri} at once (gzip for {@code .gz}): it appears whole or not at all. */
  public <T> Staged<T> write(String uri, Writer<T> writer) throws Exception {
    Staged<T> staged = stage(uri, writer);
    try {
      staged.publish();
    } catch (Exception | Error e) {
      staged.discard();
      throw e;
    }
    return staged;
  }

  /** Writes for {@code uri} (gzip for {@code .gz}) without publishing: a transaction publishes its exports once every part succeeded. */
  public <T> Staged<T> stage(String uri, Writer<T> writer) throws Exception {
    URI parsed = parse(uri);
    List<T> result = new ArrayList<>(1);
    CountingOutputStream[] counted = new CountingOutputStream[1];
    FileStore.Pending pending = store(parsed).stage(parsed, stored -> {
      counted[0] = new CountingOutputStream(stored);
      OutputStream out = parsed.getPath().endsWith(".gz") ? new GZIPOutputStream(counted[0], BUFFER) : counted[0];
      result.add(writer.write(out));
      if (out instanceof GZIPOutputStream gzip) {
        gzip.finish();
      }
      counted[0].flush();
    });
    return new Staged<>(result.get(0), counted[0].count(), pending);
  }

  /** Closes the object-store clients the server built and undeploys the fetcher. */
  @Override
  public void close() {
    built.close();
    vertx.undeploy(fetcher);
  }

  private FileStore store(URI uri) {
    FileStore store = stores.get(uri.getScheme().toLowerCase(Locale.ROOT));
    if (store == null) {
      throw ProblemException.badRequest("unsupported-scheme", "Unsupported URI scheme",
        "uri=" + uri + ": this server reads file://, http(s)://, s3:// and gs:// URIs and writes file://, s3:// and gs:// URIs");
    }
    return store;
  }

  private static URI parse(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "uri=" + uri + " is not a URI: " + e.getMessage());
    }
    if (parsed.getScheme() == null || parsed.getPath() == null) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "uri=" + uri + " is not an absolute URI such as file:///path or s3://bucket/key");
    }
    if (!parsed.getScheme().toLowerCase(Locale.ROOT).startsWith("http") && uri.toLowerCase(Locale.ROOT).contains("%00")) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "a file URI may not contain %00 (a NUL byte)");
    }
    return parsed;
  }

  static ProblemException forbidden(String uri, String rule, String detail) {
    return new ProblemException(403, "file-forbidden", "File access forbidden", uri + ": " + detail)
      .with("uri", uri).with("rule", rule);
  }

  static ProblemException exists(String uri, String what) {
    return new ProblemException(409, "file-exists", "File exists",
      uri + " " + what + "; files.overwrite is false: exports never overwrite a file unless the configuration allows it")
      .with("uri", uri);
  }

  /** A file by URI past {@code limits.maxBodyBytes}, as stored or as decoded: bounded as a body is. */
  static ProblemException tooLarge(String uri) {
    return new ProblemException(413, "body-too-large", "File too large", uri + " is larger than limits.maxBodyBytes")
      .with("uri", uri);
  }

  private static InputStream bounded(InputStream in, long maxBytes, String uri) {
    return new BoundedInputStream(in, maxBytes, () -> {
      throw tooLarge(uri);
    });
  }
}
