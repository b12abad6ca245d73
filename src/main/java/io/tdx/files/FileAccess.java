package io.tdx.files;

import io.tdx.problem.ProblemException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * {@code file://} URIs, confined to the configured roots ({@code files.roots}). Anything else (a
 * {@code ..} segment, a symbolic link that leaves a root, a device or other non-regular file) is
 * a {@code 403} naming the rule. Blocking: call it from worker threads only.
 */
public final class FileAccess {
  private final List<Path> roots;
  private final boolean overwrite;
  private final HttpFetcher http;

  /** @param roots directories (created if missing); they are compared by their real paths */
  public FileAccess(List<Path> roots, boolean overwrite, HttpFetcher http) {
    this.roots = roots.stream().map(FileAccess::real).toList();
    this.overwrite = overwrite;
    this.http = http;
  }

  /** Whether the URI names a file elsewhere ({@code http(s)://}), fetched rather than read in place. */
  public boolean remote(String uri) {
    return HttpFetcher.handles(uri);
  }

  /** Fetches a remote file into {@code target} (a transaction part's spool). */
  public void download(String uri, Path target) throws Exception {
    try (InputStream in = open(uri)) {
      Files.copy(in, target);
    }
  }

  private static Path real(Path root) {
    try {
      Files.createDirectories(root);
      return root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use files root " + root, e);
    }
  }

  /** Opens a file to import, local or fetched; {@code .gz} files are decompressed. */
  public InputStream open(String uri) throws Exception {
    if (remote(uri)) {
      return http.open(uri);
    }
    Path path = readable(uri);
    InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    return path.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** The real path of an existing regular file inside a root. */
  public Path readable(String uri) {
    Path path = path(uri);
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new ProblemException(404, "file-not-found", "File not found", "no file at " + uri).with("uri", uri);
    } catch (IOException e) {
      throw forbidden(uri, "unreadable", "the file cannot be read: " + e.getMessage());
    }
    inRoots(uri, real);
    if (!Files.isRegularFile(real)) {
      throw forbidden(uri, "not-a-regular-file", "only regular files can be imported, not devices, directories or pipes");
    }
    if (!Files.isReadable(real)) {
      throw forbidden(uri, "unreadable", "the server may not read this file");
    }
    return real;
  }

  /**
   * Where an export to {@code uri} goes: a new file in an existing directory inside a root (an
   * existing one only when {@code files.overwrite} allows it).
   */
  public Path writable(String uri) {
    Path path = path(uri);
    Path directory;
    try {
      directory = path.getParent().toRealPath();
    } catch (IOException e) {
      throw new ProblemException(404, "directory-not-found", "Directory not found",
        "no directory " + path.getParent() + " for " + uri).with("uri", uri);
    }
    inRoots(uri, directory);
    Path target = directory.resolve(path.getFileName());
    if (Files.isSymbolicLink(target)) {
      throw forbidden(uri, "symbolic-link", "the target is a symbolic link");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && (!overwrite || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS))) {
      throw new ProblemException(409, "file-exists", "File exists",
        uri + " exists and files.overwrite is false: exports never overwrite a file unless the configuration allows it")
        .with("uri", uri);
    }
    return target;
  }

  public boolean overwrite() {
    return overwrite;
  }

  /** Writes what {@code writer} produces. */
  @FunctionalInterface
  public interface Writer<T> {
    T write(java.io.OutputStream out) throws Exception;
  }

  /**
   * Writes a file at {@code uri} (gzip for {@code .gz}) under a temporary name beside it, then
   * publishes it in one step, so it appears whole or not at all, never replacing a file unless
   * {@code files.overwrite} allows it.
   */
  public <T> T write(String uri, Writer<T> writer) throws Exception {
    Path target = writable(uri);
    Path temporary = target.resolveSibling("." + target.getFileName() + ".tdx-" + java.util.UUID.randomUUID());
    try {
      T result;
      java.io.OutputStream file = new java.io.BufferedOutputStream(
        Files.newOutputStream(temporary, java.nio.file.StandardOpenOption.CREATE_NEW), 1 << 16);
      try (java.io.OutputStream out = target.getFileName().toString().endsWith(".gz")
        ? new java.util.zip.GZIPOutputStream(file, 1 << 16) : file) {
        result = writer.write(out);
      }
      publish(uri, temporary, target);
      return result;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private void publish(String uri, Path temporary, Path target) throws IOException {
    if (overwrite) {
      Files.move(temporary, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    // a hard link appears atomically and fails if the name was taken meanwhile: never overwrites
    try {
      Files.createLink(target, temporary);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new ProblemException(409, "file-exists", "File exists",
        uri + " appeared while the export was written; files.overwrite is false").with("uri", uri);
    }
  }

  private static Path path(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "uri=" + uri + " is not a URI: " + e.getMessage());
    }
    if (!"file".equalsIgnoreCase(parsed.getScheme())) {
      throw ProblemException.badRequest("unsupported-scheme", "Unsupported URI scheme",
        "uri=" + uri + ": this server reads file:// and http(s):// URIs and writes file:// URIs (s3 and gs are not built yet)");
    }
    if (parsed.getRawPath() == null || !parsed.getRawPath().startsWith("/") || (parsed.getHost() != null && !parsed.getHost().isEmpty())) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "uri=" + uri + " must be file:///absolute/path");
    }
    for (String segment : parsed.getRawPath().split("/")) {
      if (segment.equals("..") || segment.equals(".") || segment.contains("%2e%2e") || segment.contains("%2E%2E")) {
        throw forbidden(uri, "dot-segments", "'.' and '..' segments are not allowed in file URIs");
      }
    }
    return Path.of(parsed.getPath());
  }

  private void inRoots(String uri, Path real) {
    if (roots.stream().noneMatch(real::startsWith)) {
      throw forbidden(uri, "outside-roots", "the file resolves (following symbolic links) to " + real
        + ", outside the configured files.roots " + roots);
    }
  }

  private static ProblemException forbidden(String uri, String rule, String detail) {
    return new ProblemException(403, "file-forbidden", "File access forbidden", uri + ": " + detail)
      .with("uri", uri).with("rule", rule);
  }
}
