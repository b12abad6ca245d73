package io.tdx.http;

import java.io.IOException;

/** The request body grew past {@code limits.maxBodyBytes}. */
final class BodyTooLargeException extends IOException {
  BodyTooLargeException(long limit) {
    super("the request body exceeds " + limit + " bytes (limits.maxBodyBytes)");
  }
}
