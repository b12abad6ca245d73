package io.tdx.auth;

import io.tdx.config.AuthConfig;
import io.tdx.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a bearer token into a {@link Caller}: a JSON Web Token (three dot-separated parts) is
 * verified by Vert.x's {@link JWTAuth} against the configured keys, any other token is looked up
 * among the declared ones ({@link DeclaredTokens}). One per server, shared by its event loops.
 */
public final class Authenticator {
  private final AuthConfig config;
  private final AuthenticationProvider tokens;
  private final AuthenticationProvider jwt;

  private Authenticator(AuthConfig config, AuthenticationProvider tokens, AuthenticationProvider jwt) {
    this.config = config;
    this.tokens = tokens;
    this.jwt = jwt;
  }

  /**
   * The authenticator of a configuration, with the keys of its JWKS file ({@link #jwks}); null
   * when the server runs without authentication. One per event loop.
   */
  public static Authenticator of(Vertx vertx, AuthConfig config, List<JsonObject> jwks) {
    if (!config.enabled()) {
      return null;
    }
    return new Authenticator(config, new DeclaredTokens(config.tokens()),
      config.jwt() == null ? null : jwt(vertx, config.jwt(), jwks));
  }

  /** The keys of the configured JWKS file, read (blocking) at start; none when there is no such file. */
  public static List<JsonObject> jwks(AuthConfig config) {
    return config.jwt() == null || config.jwt().jwksFile() == null ? List.of() : jwks(Path.of(config.jwt().jwksFile()));
  }

  /** The caller the token authenticates, or a failure saying why it does not. */
  public Future<Caller> authenticate(String token) {
    boolean looksLikeJwt = token.chars().filter(c -> c == '.').count() == 2;
    AuthenticationProvider provider = looksLikeJwt && jwt != null ? jwt : tokens;
    return provider.authenticate(new TokenCredentials(token)).compose(user -> provider == jwt ? fromJwt(user)
      : Future.succeededFuture(new Caller(user.subject(), user)));
  }

  private Future<Caller> fromJwt(User user) {
    AuthConfig.Jwt settings = config.jwt();
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    String principal = claims.getValue(settings.principalClaim()) instanceof String name ? name : null;
    if (principal == null || principal.isBlank()) {
      return Future.failedFuture("the token has no " + settings.principalClaim() + " claim to name its principal");
    }
    Object rights = claims.getValue(settings.permissionsClaim());
    List<String> permissions = rights instanceof JsonArray list ? list.stream().map(String::valueOf).toList()
      : rights instanceof String text ? List.of(text.split(" ")) : List.of();
    User named = User.fromName(principal);
    Permissions.grant(named, "tdx-jwt", permissions.stream().filter(AuthConfig::validPermission).toList());
    return Future.succeededFuture(new Caller(principal, named));
  }

  private static JWTAuth jwt(Vertx vertx, AuthConfig.Jwt settings, List<JsonObject> jwks) {
    JWTOptions verify = new JWTOptions();
    if (settings.issuer() != null) {
      verify.setIssuer(settings.issuer());
    }
    if (settings.audience() != null) {
      verify.addAudience(settings.audience());
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verify);
    settings.publicKeys().forEach(key -> options.addPubSecKey(new PubSecKeyOptions()
      .setAlgorithm(key.getString("algorithm")).setBuffer(key.getString("pem"))));
    jwks.forEach(options::addJwk);
    try {
      return JWTAuth.create(vertx, options);
    } catch (RuntimeException e) {
      throw new ConfigException("auth.jwt: the keys cannot be used: " + e.getMessage());
    }
  }

  private static List<JsonObject> jwks(Path file) {
    try {
      JsonArray keys = new JsonObject(Files.readString(file)).getJsonArray("keys");
      if (keys == null || keys.isEmpty()) {
        throw new ConfigException("auth.jwt.jwksFile " + file.toAbsolutePath() + " holds no \"keys\"");
      }
      return keys.stream().map(JsonObject.class::cast).toList();
    } catch (IOException e) {
      throw new ConfigException("auth.jwt.jwksFile: cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException("auth.jwt.jwksFile " + file.toAbsolutePath() + " is not a JSON Web Key Set: " + e.getMessage());
    }
  }
}
