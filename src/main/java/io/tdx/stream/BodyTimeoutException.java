package io.tdx.stream;

import java.io.IOException;

/** A client sent its body too slowly: no byte for too long, or too few bytes per second. */
public final class BodyTimeoutException extends IOException {
  public BodyTimeoutException(String message) {
    super(message);
  }
}
