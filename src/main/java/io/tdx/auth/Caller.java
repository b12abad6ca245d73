package io.tdx.auth;

import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.WildcardPermissionBasedAuthorization;

/**
 * Who sent a request: the principal a bearer token authenticated, with its rights, or
 * {@link #ANYONE} on a server without authentication (where everyone may do everything).
 *
 * @param principal the name transactions it starts are owned by; null for {@link #ANYONE}
 * @param user      the authenticated user holding its permissions ({@code read:/sales}, {@code write:*}, {@code admin}, ...)
 */
public record Caller(String principal, User user) {
  /** A request to a server without authentication. */
  public static final Caller ANYONE = new Caller(null, null);

  /** Whether it may use {@code right} ({@code read} or {@code write}) on the service at {@code prefix}. */
  public boolean may(String right, String prefix) {
    return unrestricted() || has(right + ":" + prefix);
  }

  /** Whether it may administer the server: reload services, see every transaction. */
  public boolean admin() {
    return user == null || has("admin");
  }

  /** Whether it may read the server's metrics. */
  public boolean metrics() {
    return admin() || has("metrics");
  }

  /** Sees and changes every transaction, not only the ones it started: no authentication, or an admin. */
  public boolean unrestricted() {
    return admin();
  }

  private boolean has(String permission) {
    return WildcardPermissionBasedAuthorization.create(permission).match(user);
  }
}
