package io.tdx.config;

import io.tdx.service.ServiceParser;
import io.tdx.service.Services;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The server's configuration, read once at start from JSON (see {@code conf/tdx.json} and the
 * README for every field). Invalid configurations throw {@link ConfigException}.
 *
 * @param host          interface the HTTP server binds ({@code http.host}, default {@code 127.0.0.1})
 * @param port          HTTP port, 0 for any free port ({@code http.port})
 * @param httpInstances event-loop verticles serving HTTP ({@code http.instances}, default one per core)
 * @param accessLog     whether each request is logged to {@code tdx.access} ({@code http.accessLog}, default true)
 * @param trustProxy    which proxy headers name the URL a client used, for absolute {@code Location}s
 *                      ({@code http.trustProxy}: {@code none}, the default, {@code forwarded},
 *                      {@code x-forwarded} or {@code all})
 * @param dataDir       where the workspace and every file the server keeps live ({@code dataDir})
 * @param workspace     the database ({@code workspace})
 * @param limits        bounds on every input ({@code limits})
 * @param shutdownGraceSeconds how long a stop waits for work in flight ({@code shutdownGraceSeconds})
 * @param txn           the transaction service ({@code txn})
 * @param files         files by URI ({@code files})
 * @param cluster       clustered mode ({@code cluster})
 * @param auth          who may use the server ({@code auth}); without it the server binds loopback only
 * @param services      the declared TDX services ({@code services})
 * @param configFile    the file the configuration was read from, if any ({@code configFile}); services are reloaded from it
 */
public record TdxConfig(
  String host,
  int port,
  int httpInstances,
  boolean accessLog,
  String trustProxy,
  Path dataDir,
  WorkspaceConfig workspace,
  Limits limits,
  int shutdownGraceSeconds,
  TxnConfig txn,
  FilesConfig files,
  ClusterConfig cluster,
  AuthConfig auth,
  Services services,
  Path configFile) {

  /** Loopback only: binding other interfaces is a choice ({@code http.host}, {@code TDX_HTTP_HOST}). */
  public static final String DEFAULT_HOST = "127.0.0.1";

  public static final java.util.List<String> TRUST_PROXY = java.util.List.of("none", "forwarded", "x-forwarded", "all");

  /** Whether {@code host} names this machine's loopback interface only. */
  public static boolean loopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  public static TdxConfig from(JsonObject json) {
    try {
      JsonObject http = json.getJsonObject("http", new JsonObject());
      Path dataDir = Path.of(json.getString("dataDir", "data")).toAbsolutePath().normalize();
      int instances = http.getInteger("instances", Runtime.getRuntime().availableProcessors());
      int port = http.getInteger("port", 8080);
      if (port < 0 || port > 65535 || instances < 1) {
        throw new ConfigException("http: port must be 0..65535 and instances at least 1");
      }
      String trustProxy = http.getString("trustProxy", "none");
      if (!TRUST_PROXY.contains(trustProxy)) {
        throw new ConfigException("http: trustProxy must be one of " + TRUST_PROXY + " (got '" + trustProxy + "')");
      }
      String host = http.getString("host", DEFAULT_HOST);
      AuthConfig auth = AuthConfig.from(json.getJsonObject("auth"));
      if (auth == AuthConfig.ABSENT && !loopback(host)) {
        throw new ConfigException("http.host " + host + " is reachable from other machines, and no auth is configured:"
          + " declare auth.tokens or auth.jwt, or set auth.none to true to serve it to anyone");
      }
      return new TdxConfig(
        host,
        port,
        instances,
        http.getBoolean("accessLog", true),
        trustProxy,
        dataDir,
        WorkspaceConfig.from(json.getJsonObject("workspace"), dataDir),
        Limits.from(json.getJsonObject("limits")),
        json.getInteger("shutdownGraceSeconds", 30),
        TxnConfig.from(json.getJsonObject("txn")),
        FilesConfig.from(json.getJsonObject("files"), dataDir),
        ClusterConfig.from(json.getJsonObject("cluster")),
        auth,
        ServiceParser.parse(json.getJsonArray("services")),
        json.getString("configFile") == null ? null : Path.of(json.getString("configFile")));
    } catch (ClassCastException e) {
      throw new ConfigException("configuration: a field has the wrong JSON type: " + e.getMessage());
    }
  }
}
