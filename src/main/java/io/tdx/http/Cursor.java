package io.tdx.http;

import io.tdx.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A position in the transaction listing, opaque to clients: the creation time and id of the
 * last transaction of a page, base64url-encoded.
 */
record Cursor(Instant created, String id) {

  static Cursor of(Instant created, String id) {
    return new Cursor(created, id);
  }

  String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((created + " " + id).getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor a {@code next} link carried; anything else is a {@code 400 bad-parameter}. */
  static Cursor parse(String text) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int space = decoded.indexOf(' ');
      if (space < 0 || space == decoded.length() - 1 || decoded.length() > 200) {
        throw new IllegalArgumentException();
      }
      return new Cursor(Instant.parse(decoded.substring(0, space)), decoded.substring(space + 1));
    } catch (RuntimeException e) {
      throw ProblemException.badRequest("bad-parameter", "Bad query parameter",
        "after=" + (text.length() > 100 ? text.substring(0, 100) + "..." : text)
          + " is not a cursor of this listing (take it from a page's \"next\")");
    }
  }
}
