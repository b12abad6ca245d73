package io.tdx.files;

import io.tdx.problem.ProblemException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * {@code file://} URIs, confined to the configured roots ({@code files.roots}). Anything else (a
 * {@code ..} segment, a symbolic link that leaves a root, a device or other non-regular file) is
 * a {@code 403} naming the rule.
 */
final class LocalFiles implements FileStore {
  private final List<Path> roots;
  private final boolean overwrite;

  /** @param roots directories (created if missing); they are compared by their real paths */
  LocalFiles(List<Path> roots, boolean overwrite) {
    this.roots = roots.stream().map(LocalFiles::real).toList();
    this.overwrite = overwrite;
  }

  private static Path real(Path root) {
    try {
      Files.createDirectories(root);
      return root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use files root " + root, e);
    }
  }

  @Override
  public boolean remote() {
    return false;
  }

  @Override
  public InputStream open(URI uri) throws IOException {
    return Files.newInputStream(readable(uri));
  }

  /**
   * The real path of an existing regular file inside a root. A path that does not resolve is
   * judged by its nearest existing ancestor: outside the roots it is the same {@code 403} as an
   * existing file there, so the answer tells nothing of what exists outside.
   */
  private Path readable(URI uri) {
    Path path = path(uri);
    Path real;
    try {
      real = path.toRealPath();
    } catch (IOException e) {
      inRoots(uri, nearestExisting(path));
      if (e instanceof NoSuchFileException) {
        throw new ProblemException(404, "file-not-found", "File not found", "no file at " + uri).with("uri", uri.toString());
      }
      throw forbidden(uri, "unreadable", "the file cannot be read");
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
   * Writes under a temporary name beside the target; publishing is one step: a hard link, which
   * fails if the name was taken meanwhile, or a rename when {@code files.overwrite} allows.
   */
  @Override
  public Pending stage(URI uri, Writer writer) throws Exception {
    Path target = writable(uri);
    Path temporary = target.resolveSibling("." + target.getFileName() + ".tdx-" + UUID.randomUUID());
    Pending pending = new Pending() {
      @Override
      public void publish() throws IOException {
        try {
          LocalFiles.this.publish(uri, temporary, target);
        } finally {
          discard();
        }
      }

      @Override
      public void discard() {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // a temporary name nobody reads; the next start does not need it either
        }
      }
    };
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW), 1 << 16)) {
      writer.write(out);
    } catch (Exception | Error e) {
      pending.discard();
      throw e;
    }
    return pending;
  }

  /** A new file in an existing directory inside a root (an existing one only when overwriting is allowed). */
  private Path writable(URI uri) {
    Path path = path(uri);
    if (path.getFileName() == null) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "uri=" + uri + " names no file to write");
    }
    Path directory;
    try {
      directory = path.getParent().toRealPath();
    } catch (IOException e) {
      inRoots(uri, nearestExisting(path.getParent()));
      throw new ProblemException(404, "directory-not-found", "Directory not found",
        "no directory for " + uri + " inside the configured files.roots").with("uri", uri.toString());
    }
    inRoots(uri, directory);
    Path target = directory.resolve(path.getFileName());
    if (Files.isSymbolicLink(target)) {
      throw forbidden(uri, "symbolic-link", "the target is a symbolic link");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && (!overwrite || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS))) {
      throw FileAccess.exists(uri.toString(), "exists");
    }
    return target;
  }

  private void publish(URI uri, Path temporary, Path target) throws IOException {
    if (overwrite) {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    try {
      Files.createLink(target, temporary);
    } catch (FileAlreadyExistsException e) {
      throw FileAccess.exists(uri.toString(), "appeared while the export was written");
    }
  }

  private static Path path(URI uri) {
    if (uri.getRawPath() == null || !uri.getRawPath().startsWith("/") || (uri.getHost() != null && !uri.getHost().isEmpty())) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "uri=" + uri + " must be file:///absolute/path");
    }
    for (String segment : uri.getRawPath().split("/")) {
      if (segment.equals("..") || segment.equals(".") || segment.contains("%2e%2e") || segment.contains("%2E%2E")) {
        throw forbidden(uri, "dot-segments", "'.' and '..' segments are not allowed in file URIs");
      }
    }
    if (uri.getPath().indexOf('\0') >= 0) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "a file URI may not contain %00 (a NUL byte)");
    }
    try {
      return Path.of(uri.getPath());
    } catch (InvalidPathException e) {
      throw ProblemException.badRequest("bad-uri", "Bad URI", "uri=" + uri + " is not a path: " + e.getReason());
    }
  }

  /** The real path of the nearest ancestor of {@code path} that resolves (at worst the file system's root). */
  private static Path nearestExisting(Path path) {
    for (Path ancestor = path.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
      try {
        return ancestor.toRealPath();
      } catch (IOException e) {
        // not there (or not readable): try its parent
      }
    }
    return path.getRoot();
  }

  /** A path outside every root is refused without saying where it leads, or whether it exists. */
  private void inRoots(URI uri, Path real) {
    if (roots.stream().noneMatch(real::startsWith)) {
      throw new ProblemException(403, "file-forbidden", "File access forbidden",
        "the file is outside the configured files.roots (after following symbolic links)")
        .with("uri", uri.toString()).with("rule", "outside-roots");
    }
  }

  private static ProblemException forbidden(URI uri, String rule, String detail) {
    return FileAccess.forbidden(uri.toString(), rule, detail);
  }
}
