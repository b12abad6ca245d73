package io.tdx.auth;

import io.tdx.config.AuthConfig;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The bearer tokens declared in the configuration, known by their SHA-256 only: a token is
 * hashed and looked up. A fast hash is enough for a token (a long random secret, unlike a
 * password); it lets a request find its token without trying each one.
 */
final class DeclaredTokens implements AuthenticationProvider {
  static final String PROVIDER = "tdx-tokens";
  private final Map<String, AuthConfig.DeclaredToken> bySha256;

  DeclaredTokens(Map<String, AuthConfig.DeclaredToken> bySha256) {
    this.bySha256 = bySha256;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    String token = ((TokenCredentials) credentials).getToken();
    AuthConfig.DeclaredToken declared = bySha256.get(sha256(token));
    if (declared == null) {
      return Future.failedFuture("the token is not one this server knows");
    }
    User user = User.fromName(declared.principal());
    Permissions.grant(user, PROVIDER, declared.permissions());
    return Future.succeededFuture(user);
  }

  /** The lowercase hex SHA-256 of a token, as {@code auth.tokens[].sha256} holds it. */
  static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
