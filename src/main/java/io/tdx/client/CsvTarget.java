package io.tdx.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Path;

/**
 * Where an export goes: a file (written whole or not at all: to a temporary file renamed at the
 * end), a stream, or a URI the server stores it at itself.
 */
public sealed interface CsvTarget {

  record ToFile(Path path) implements CsvTarget {
  }

  record ToStream(WriteStream<Buffer> stream) implements CsvTarget {
  }

  record ToUri(String uri) implements CsvTarget {
  }

  static CsvTarget file(Path path) {
    return new ToFile(path);
  }

  static CsvTarget stream(WriteStream<Buffer> stream) {
    return new ToStream(stream);
  }

  static CsvTarget uri(String uri) {
    return new ToUri(uri);
  }

  /** What the command line accepts: a URI with a scheme, or else a file path. */
  static CsvTarget parse(String fileOrUri) {
    return CsvSource.isUri(fileOrUri) ? uri(fileOrUri) : file(Path.of(fileOrUri));
  }
}
