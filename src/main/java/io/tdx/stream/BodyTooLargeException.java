package io.tdx.stream;

import java.io.IOException;

/** A body grew past {@code limits.maxBodyBytes}. */
public final class BodyTooLargeException extends IOException {
  public BodyTooLargeException(long limit) {
    super("the body exceeds " + limit + " bytes (limits.maxBodyBytes)");
  }
}
