package io.tdx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who may use the server (configuration field {@code auth}): bearer tokens declared here by
 * their SHA-256, JSON Web Tokens signed by the keys given here, or {@code "none": true} to serve
 * without authentication (on loopback that is the default when {@code auth} is absent).
 *
 * @param none   serve without authentication: everyone may do everything
 * @param tokens the declared tokens by the lowercase hex SHA-256 of the token
 * @param jwt    how JSON Web Tokens are verified, or null when none are accepted
 */
public record AuthConfig(boolean none, Map<String, DeclaredToken> tokens, Jwt jwt) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  /**
   * A right: {@code read:SERVICE} (export), {@code write:SERVICE} (import), SERVICE a prefix or
   * {@code *} for every service; {@code metrics}; {@code admin} (every right, every transaction).
   */
  private static final Pattern PERMISSION = Pattern.compile("admin|metrics|(read|write):(\\*|/[^:,*\\s]*)");

  /**
   * A declared token.
   *
   * @param principal   the name it authenticates as (the owner of the transactions it starts)
   * @param permissions its rights, as {@link #PERMISSION} describes
   */
  public record DeclaredToken(String principal, List<String> permissions) {
  }

  /**
   * JSON Web Tokens (RFC 7519).
   *
   * @param publicKeys       PEM public keys with their algorithm ({@code {"algorithm": "RS256", "pem": "..."}})
   * @param jwksFile         a JSON Web Key Set file (RFC 7517), or null
   * @param issuer           the {@code iss} a token must carry, or null
   * @param audience         the {@code aud} a token must carry, or null
   * @param principalClaim   the claim that names the principal (default {@code sub})
   * @param permissionsClaim the claim holding the rights, a list of strings (default {@code permissions})
   */
  public record Jwt(List<JsonObject> publicKeys, String jwksFile, String issuer, String audience, String principalClaim,
                    String permissionsClaim) {
  }

  /** No {@code auth} field: nothing is configured (the server then binds loopback only). */
  public static final AuthConfig ABSENT = new AuthConfig(false, Map.of(), null);

  /** Whether requests are authenticated. */
  public boolean enabled() {
    return !none && (!tokens.isEmpty() || jwt != null);
  }

  static AuthConfig from(JsonObject json) {
    if (json == null) {
      return ABSENT;
    }
    boolean none = json.getBoolean("none", false);
    Map<String, DeclaredToken> tokens = new LinkedHashMap<>();
    JsonArray declared = json.getJsonArray("tokens", new JsonArray());
    for (int i = 0; i < declared.size(); i++) {
      JsonObject token = declared.getJsonObject(i);
      String where = "auth.tokens[" + i + "]";
      if (token.containsKey("token")) {
        throw new ConfigException(where + ": a token is declared by its SHA-256 (\"sha256\"), never in plain text;"
          + " printf %s TOKEN | sha256sum gives it");
      }
      String sha256 = token.getString("sha256", "").toLowerCase(Locale.ROOT);
      String principal = token.getString("principal");
      if (!SHA256.matcher(sha256).matches()) {
        throw new ConfigException(where + ": sha256 must be 64 hex digits, the SHA-256 of the token");
      }
      if (principal == null || principal.isBlank()) {
        throw new ConfigException(where + ": principal, the name the token authenticates as, is required");
      }
      if (tokens.put(sha256, new DeclaredToken(principal, permissions(token.getJsonArray("permissions"), where))) != null) {
        throw new ConfigException(where + ": the same token is declared twice");
      }
    }
    Jwt jwt = jwt(json.getJsonObject("jwt"));
    if (none && (!tokens.isEmpty() || jwt != null)) {
      throw new ConfigException("auth: \"none\": true serves without authentication; it cannot have tokens or jwt too");
    }
    if (!none && tokens.isEmpty() && jwt == null) {
      throw new ConfigException("auth: declare tokens or jwt, or set \"none\": true to serve without authentication");
    }
    return new AuthConfig(none, Map.copyOf(tokens), jwt);
  }

  /** Rights as given, each checked: {@code read:/sales}, {@code write:*}, {@code admin}, {@code metrics}. */
  public static List<String> permissions(JsonArray json, String where) {
    List<String> permissions = json == null ? List.of() : json.stream().map(String::valueOf).toList();
    for (String permission : permissions) {
      if (!validPermission(permission)) {
        throw new ConfigException(where + ": permission '" + permission + "' is not one of read:SERVICE, write:SERVICE"
          + " (SERVICE a prefix such as /sales, or * for every service), metrics, admin");
      }
    }
    return permissions;
  }

  /** Whether a permission is one this server knows (a JWT's unknown ones are ignored). */
  public static boolean validPermission(String permission) {
    return PERMISSION.matcher(permission).matches();
  }

  private static Jwt jwt(JsonObject json) {
    if (json == null) {
      return null;
    }
    List<JsonObject> keys = json.getJsonArray("publicKeys", new JsonArray()).stream().map(JsonObject.class::cast).toList();
    for (JsonObject key : keys) {
      if (key.getString("algorithm") == null || key.getString("pem") == null) {
        throw new ConfigException("auth.jwt.publicKeys: each key has an algorithm (RS256, ES256, ...) and a pem");
      }
    }
    String jwks = json.getString("jwksFile");
    if (keys.isEmpty() && jwks == null) {
      throw new ConfigException("auth.jwt: give publicKeys or a jwksFile to verify tokens with");
    }
    return new Jwt(keys, jwks, json.getString("issuer"), json.getString("audience"), json.getString("principalClaim", "sub"),
      json.getString("permissionsClaim", "permissions"));
  }
}
