package io.tdx;

import java.net.URI;

/** {@code Location} headers are absolute URLs; tests that send the next request to the same server want the path. */
public final class Locations {
  private Locations() {
  }

  /** The path and query of an absolute or relative URL. */
  public static String path(String location) {
    URI uri = URI.create(location);
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }
}
