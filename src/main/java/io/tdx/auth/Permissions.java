package io.tdx.auth;

import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.WildcardPermissionBasedAuthorization;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Rights as Vert.x authorizations: each permission string a wildcard permission ({@code write:*} implies {@code write:/sales}). */
final class Permissions {
  private Permissions() {
  }

  static void grant(User user, String provider, List<String> permissions) {
    Set<Authorization> granted = permissions.stream()
      .map(p -> (Authorization) WildcardPermissionBasedAuthorization.create(p))
      .collect(Collectors.toSet());
    user.authorizations().put(provider, granted);
  }
}
