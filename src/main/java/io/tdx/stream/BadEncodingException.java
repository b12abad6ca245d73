package io.tdx.stream;

import java.io.IOException;

/** A body is not what its {@code Content-Encoding} says: not gzip, cut before its trailer, or with data after it. */
public final class BadEncodingException extends IOException {
  public BadEncodingException(String message) {
    super(message);
  }
}
