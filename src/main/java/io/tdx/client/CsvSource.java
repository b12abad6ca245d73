package io.tdx.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;

/**
 * The CSV an import sends: a file (gzip-compressed when its name ends in {@code .gz}), a stream
 * of unknown length, or a URI the server fetches itself ({@code file://}, {@code http(s)://},
 * {@code s3://}, {@code gs://}).
 */
public sealed interface CsvSource {

  record FromFile(Path path, boolean gzip) implements CsvSource {
  }

  record FromStream(ReadStream<Buffer> stream, boolean gzip) implements CsvSource {
  }

  record FromUri(String uri) implements CsvSource {
  }

  static CsvSource file(Path path) {
    return new FromFile(path, path.getFileName().toString().endsWith(".gz"));
  }

  /** A stream; {@code gzip} when its bytes are gzip-compressed. Read once. */
  static CsvSource stream(ReadStream<Buffer> stream, boolean gzip) {
    return new FromStream(stream, gzip);
  }

  static CsvSource uri(String uri) {
    return new FromUri(uri);
  }

  /** What the command line accepts: a URI with a scheme, or else a file path. */
  static CsvSource parse(String fileOrUri) {
    return isUri(fileOrUri) ? uri(fileOrUri) : file(Path.of(fileOrUri));
  }

  /** Whether a command-line argument names a URI ({@code scheme://...}) rather than a file path. */
  static boolean isUri(String fileOrUri) {
    return fileOrUri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
  }
}
