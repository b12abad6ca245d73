package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.cli.Main;
import io.tdx.client.CsvSource;
import io.tdx.client.ImportOutcome;
import io.tdx.client.ImportSettings;
import io.tdx.client.TdxClient;
import io.tdx.client.TdxClientOptions;
import io.tdx.client.TdxProblemException;
import io.tdx.config.ConfigException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Authentication and authorization: bearer tokens (declared, JWT), rights per service, transactions per principal")
class AuthTest extends ServerTest {
  static final String LOADER = "loader-token-4f9c2a";
  static final String READER = "reader-token-77be01";
  static final String ADMIN = "admin-token-c0ffee";
  static final String SCRAPER = "scraper-token-51a2";
  static final KeyPair RSA = rsa();

  @Override
  JsonObject configure(JsonObject config) {
    return config.put("auth", new JsonObject()
      .put("tokens", new JsonArray()
        .add(token("loader", LOADER, "write:/sales", "read:/sales", "write:/products"))
        .add(token("reader", READER, "read:*"))
        .add(token("ops", ADMIN, "admin"))
        .add(token("prometheus", SCRAPER, "metrics")))
      .put("jwt", new JsonObject().put("issuer", "https://idp.example").put("audience", "tdx")
        .put("publicKeys", new JsonArray().add(new JsonObject().put("algorithm", "RS256").put("pem", pem("PUBLIC KEY",
          RSA.getPublic().getEncoded()))))));
  }

  static JsonObject token(String principal, String token, String... permissions) {
    return new JsonObject().put("principal", principal).put("sha256", sha256(token)).put("permissions", new JsonArray(List.of(permissions)));
  }

  static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  /** A JWT signed with the test's private key (or another one). */
  String jwt(KeyPair key, JsonObject claims, String issuer) {
    JWTAuth signer = JWTAuth.create(tdx.vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
      .setBuffer(pem("PRIVATE KEY", key.getPrivate().getEncoded()))));
    JWTOptions options = new JWTOptions().setAlgorithm("RS256").setIssuer(issuer).addAudience("tdx");
    return signer.generateToken(claims, claims.containsKey("exp") ? options : options.setExpiresInSeconds(300));
  }

  HttpResponse<Buffer> send(String token, HttpMethod method, String uri, String body, String... headers) {
    HttpRequest<Buffer> request = tdx.request(method, uri).followRedirects(false);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return TestServer.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  static void assertProblem(int status, String type, HttpResponse<Buffer> response) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals("urn:tdx:problem:" + type, response.bodyAsJsonObject().getString("type"), response.bodyAsString());
  }

  @Test
  @DisplayName("no token: 401 with WWW-Authenticate on every route but health; a token the server does not know: invalid_token")
  void unauthenticated() {
    for (String[] request : new String[][] {{"GET", "/products"}, {"POST", "/txn/start"}, {"GET", "/txn"},
      {"GET", "/tdx/services"}, {"GET", "/no/such/service"}}) {
      HttpResponse<Buffer> response = send(null, HttpMethod.valueOf(request[0]), request[1], null);
      assertProblem(401, "unauthenticated", response);
      assertEquals("Bearer realm=\"tdx\"", response.getHeader("WWW-Authenticate"), request[1]);
    }
    HttpResponse<Buffer> basic = send(null, HttpMethod.GET, "/products", null, "Authorization", "Basic dXNlcjpwYXNz");
    assertProblem(401, "unauthenticated", basic);
    HttpResponse<Buffer> unknown = send("not-a-token-it-knows", HttpMethod.GET, "/products", null);
    assertProblem(401, "invalid-token", unknown);
    assertEquals("Bearer realm=\"tdx\", error=\"invalid_token\"", unknown.getHeader("WWW-Authenticate"));
    // the plain text of a token never authenticates as its hash
    assertProblem(401, "invalid-token", send(sha256(LOADER), HttpMethod.GET, "/products", null));
  }

  @Test
  @DisplayName("rights per service: read exports, write imports, 403 naming the permission; in transactions too")
  void rightsPerService() {
    assertEquals(200, send(LOADER, HttpMethod.POST, "/products", ImportTest.PRODUCTS).statusCode());
    assertEquals(200, send(READER, HttpMethod.GET, "/products", null).statusCode());
    HttpResponse<Buffer> readerImports = send(READER, HttpMethod.POST, "/products", ImportTest.PRODUCTS);
    assertProblem(403, "forbidden", readerImports);
    JsonObject problem = readerImports.bodyAsJsonObject();
    assertEquals("reader", problem.getString("principal"));
    assertEquals("write:/products", problem.getString("permission"));
    assertTrue(problem.getString("detail").contains("reader may not import into /products"), problem.encode());
    assertProblem(403, "forbidden", send(LOADER, HttpMethod.GET, "/products", null));
    assertProblem(403, "forbidden", send(READER, HttpMethod.DELETE, "/products", "SKU\nA1\n"));
    // a transaction's parts need the same rights
    String txn = send(LOADER, HttpMethod.POST, "/txn/start?async=true", null).bodyAsJsonObject().getString("id");
    assertProblem(403, "forbidden", send(LOADER, HttpMethod.GET, "/products?txn=" + txn, null));
    assertEquals(201, send(LOADER, HttpMethod.POST, "/sales?txn=" + txn, ClientTest.SALES).statusCode());
    // admins may do everything
    assertEquals(200, send(ADMIN, HttpMethod.GET, "/sales", null).statusCode());
  }

  @Test
  @DisplayName("a transaction is its principal's: another gets 404 for it, and lists only its own; admins see all, after a restart too")
  void transactionsPerPrincipal() {
    String mine = send(LOADER, HttpMethod.POST, "/txn/start?async=true", null).bodyAsJsonObject().getString("id");
    assertEquals(201, send(LOADER, HttpMethod.POST, "/products?txn=" + mine, ImportTest.PRODUCTS).statusCode());
    String theirs = send(READER, HttpMethod.POST, "/txn/start", null).bodyAsJsonObject().getString("id");
    for (String[] request : new String[][] {{"GET", "/txn/" + mine}, {"GET", "/txn/" + mine + "/p1"}, {"GET", "/txn/" + mine + "/poll"},
      {"POST", "/txn/" + mine + "/abort"}, {"DELETE", "/txn/" + mine}}) {
      HttpResponse<Buffer> other = send(READER, HttpMethod.valueOf(request[0]), request[1], null);
      assertProblem(404, "unknown-transaction", other);
      // the same answer as a transaction that never was
      assertEquals(send(READER, HttpMethod.GET, "/txn/00000000-0000-0000-0000-000000000000", null).bodyAsJsonObject().getString("detail")
        .replace("00000000-0000-0000-0000-000000000000", mine), other.bodyAsJsonObject().getString("detail"));
    }
    assertProblem(404, "unknown-transaction", send(READER, HttpMethod.POST, "/txn/" + mine + "/commit", "{\"parts\": [\"p1\"]}"));
    assertProblem(404, "unknown-transaction", send(READER, HttpMethod.GET, "/products?txn=" + mine, null));
    JsonObject document = send(LOADER, HttpMethod.GET, "/txn/" + mine, null).bodyAsJsonObject();
    assertEquals("OPEN", document.getString("state"));
    assertEquals("loader", document.getString("principal"));
    assertEquals(List.of(mine), ids(send(LOADER, HttpMethod.GET, "/txn", null)));
    assertEquals(List.of(theirs), ids(send(READER, HttpMethod.GET, "/txn", null)));
    assertEquals(List.of(mine, theirs), ids(send(ADMIN, HttpMethod.GET, "/txn", null)));
    assertEquals(202, send(LOADER, HttpMethod.POST, "/txn/" + mine + "/commit", "{\"parts\": [\"p1\"]}").statusCode());
    assertEquals(303, send(LOADER, HttpMethod.GET, "/txn/" + mine + "/poll?wait=30", null).statusCode());
    // the admin may read it and its parts
    assertEquals("COMMITTED", send(ADMIN, HttpMethod.GET, "/txn/" + mine, null).bodyAsJsonObject().getString("state"));
    tdx.restart();
    // from the records now: the same answers
    assertProblem(404, "unknown-transaction", send(READER, HttpMethod.GET, "/txn/" + mine, null));
    assertEquals("COMMITTED", send(LOADER, HttpMethod.GET, "/txn/" + mine, null).bodyAsJsonObject().getString("state"));
    assertEquals(List.of(mine), ids(send(LOADER, HttpMethod.GET, "/txn", null)));
    assertEquals(List.of(theirs), ids(send(READER, HttpMethod.GET, "/txn", null)));
    assertEquals(List.of(mine, theirs), ids(send(ADMIN, HttpMethod.GET, "/txn", null)));
    assertEquals(List.of(theirs), ids(send(ADMIN, HttpMethod.GET, "/txn?state=ABORTED", null)));
  }

  static List<String> ids(HttpResponse<Buffer> listing) {
    assertEquals(200, listing.statusCode(), listing.bodyAsString());
    return listing.bodyAsJsonObject().getJsonArray("transactions").stream().map(t -> ((JsonObject) t).getString("id")).toList();
  }

  @Test
  @DisplayName("lb_async requests are their principal's too")
  void lbAsyncPerPrincipal() {
    HttpResponse<Buffer> accepted = send(LOADER, HttpMethod.POST, "/products?lb_async=true", ImportTest.PRODUCTS);
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    String polling = Locations.path(accepted.getHeader("Location"));
    assertProblem(404, "unknown-async-request", send(READER, HttpMethod.GET, polling, null));
    assertProblem(404, "unknown-async-request", send(READER, HttpMethod.DELETE, polling, null));
    assertEquals(303, send(LOADER, HttpMethod.GET, polling + "&wait=30", null).statusCode());
  }

  @Test
  @DisplayName("administration: reloading services and the owners' memory need admin; listing services any principal")
  void administration() {
    assertEquals(200, send(READER, HttpMethod.GET, "/tdx/services", null).statusCode());
    HttpResponse<Buffer> reload = send(LOADER, HttpMethod.POST, "/tdx/services/reload", null);
    assertProblem(403, "forbidden", reload);
    assertEquals("admin", reload.bodyAsJsonObject().getString("permission"));
    assertEquals(200, send(ADMIN, HttpMethod.POST, "/tdx/services/reload", null).statusCode());
    assertProblem(403, "forbidden", send(READER, HttpMethod.GET, "/tdx/txn/memory", null));
    assertEquals(200, send(ADMIN, HttpMethod.GET, "/tdx/txn/memory", null).statusCode());
    // the metrics permission reads the metrics and no data
    assertProblem(403, "forbidden", send(SCRAPER, HttpMethod.GET, "/products", null));
    assertEquals(200, send(SCRAPER, HttpMethod.GET, "/metrics", null).statusCode());
    assertEquals(200, send(ADMIN, HttpMethod.GET, "/metrics", null).statusCode());
    assertProblem(403, "forbidden", send(READER, HttpMethod.GET, "/metrics", null));
    assertProblem(401, "unauthenticated", send(null, HttpMethod.GET, "/metrics", null));
    // probes carry no token
    assertEquals(200, send(null, HttpMethod.GET, "/health", null).statusCode());
    assertEquals(200, send(null, HttpMethod.GET, "/ready", null).statusCode());
  }

  @Test
  @DisplayName("JSON Web Tokens: signed by a configured key, of the issuer and audience, unexpired; principal from sub, rights from permissions")
  void jsonWebTokens() {
    String token = jwt(RSA, new JsonObject().put("sub", "etl@corp").put("permissions", new JsonArray().add("write:/products")
      .add("read:/products").add("unknown-right")), "https://idp.example");
    assertEquals(200, send(token, HttpMethod.POST, "/products", ImportTest.PRODUCTS).statusCode());
    assertProblem(403, "forbidden", send(token, HttpMethod.POST, "/sales", ClientTest.SALES));
    String txn = send(token, HttpMethod.POST, "/txn/start", null).bodyAsJsonObject().getString("id");
    assertEquals("etl@corp", send(token, HttpMethod.GET, "/txn/" + txn, null).bodyAsJsonObject().getString("principal"));
    assertProblem(404, "unknown-transaction", send(READER, HttpMethod.GET, "/txn/" + txn, null));
    // another signer, another issuer, no subject, an expired token: refused
    assertProblem(401, "invalid-token", send(jwt(rsa(), new JsonObject().put("sub", "x"), "https://idp.example"),
      HttpMethod.GET, "/products", null));
    assertProblem(401, "invalid-token", send(jwt(RSA, new JsonObject().put("sub", "x"), "https://other.example"),
      HttpMethod.GET, "/products", null));
    HttpResponse<Buffer> anonymous = send(jwt(RSA, new JsonObject().put("permissions", new JsonArray().add("read:*")),
      "https://idp.example"), HttpMethod.GET, "/products", null);
    assertProblem(401, "invalid-token", anonymous);
    assertTrue(anonymous.bodyAsJsonObject().getString("detail").contains("no sub claim"), anonymous.bodyAsString());
    String expired = jwt(RSA, new JsonObject().put("sub", "x").put("exp", System.currentTimeMillis() / 1000 - 3600), "https://idp.example");
    assertProblem(401, "invalid-token", send(expired, HttpMethod.GET, "/products", null));
  }

  @Test
  @DisplayName("JSON Web Tokens verified by the keys of a JWKS file")
  void jwksFile() throws Exception {
    KeyPair key = rsa();
    java.security.interfaces.RSAPublicKey pub = (java.security.interfaces.RSAPublicKey) key.getPublic();
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    JsonObject jwk = new JsonObject().put("kty", "RSA").put("alg", "RS256").put("use", "sig")
      .put("n", url.encodeToString(unsigned(pub.getModulus()))).put("e", url.encodeToString(unsigned(pub.getPublicExponent())));
    Path jwks = dataDir.resolve("jwks.json");
    Files.writeString(jwks, new JsonObject().put("keys", new JsonArray().add(jwk)).encode());
    try (TestServer other = TestServer.start(dataDir.resolve("other"), config -> config.put("auth", new JsonObject()
      .put("jwt", new JsonObject().put("jwksFile", jwks.toString()))))) {
      String token = jwt(key, new JsonObject().put("sub", "svc").put("permissions", "read:/products write:/products"), "any");
      HttpResponse<Buffer> imported = TestServer.await(other.request(HttpMethod.POST, "/products")
        .putHeader("Authorization", "Bearer " + token).sendBuffer(Buffer.buffer(ImportTest.PRODUCTS)));
      assertEquals(200, imported.statusCode(), imported.bodyAsString());
      HttpResponse<Buffer> wrongKey = TestServer.await(other.request(HttpMethod.GET, "/products")
        .putHeader("Authorization", "Bearer " + jwt(RSA, new JsonObject().put("sub", "svc"), "any")).send());
      assertProblem(401, "invalid-token", wrongKey);
    }
  }

  private static byte[] unsigned(java.math.BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  @Test
  @DisplayName("cross-site requests that change data are refused (Origin, Sec-Fetch-Site); the server's own origin and non-browsers pass")
  void crossSite() {
    HttpResponse<Buffer> evil = send(LOADER, HttpMethod.POST, "/products", ImportTest.PRODUCTS, "Origin", "https://evil.example");
    assertProblem(403, "cross-origin-refused", evil);
    assertTrue(evil.bodyAsJsonObject().getString("detail").contains("https://evil.example"), evil.bodyAsString());
    assertProblem(403, "cross-origin-refused", send(LOADER, HttpMethod.POST, "/txn/start", null, "Sec-Fetch-Site", "cross-site"));
    assertProblem(403, "cross-origin-refused", send(LOADER, HttpMethod.POST, "/products", ImportTest.PRODUCTS, "Origin", "null"));
    assertEquals(200, send(LOADER, HttpMethod.POST, "/products", ImportTest.PRODUCTS,
      "Origin", "http://127.0.0.1:" + tdx.port()).statusCode());
    // a page of another site may still read nothing it is not given: GETs pass this check (and need a token)
    assertEquals(200, send(READER, HttpMethod.GET, "/products", null, "Origin", "https://evil.example").statusCode());
  }

  @Test
  @DisplayName("the Java client and the command line send a token (--token); without one they get 401, said plainly")
  void clientsSendTokens() throws Exception {
    Path products = dataDir.resolve("products.csv");
    Files.writeString(products, ImportTest.PRODUCTS);
    String url = "http://127.0.0.1:" + tdx.port();
    try (TdxClient client = TdxClient.create(tdx.vertx(), TdxClientOptions.of(url).token(LOADER))) {
      ImportOutcome outcome = TestServer.await(client.importCsv("/products", CsvSource.file(products), ImportSettings.UPSERT));
      assertEquals(3, outcome.read());
    }
    try (TdxClient client = TdxClient.create(tdx.vertx(), TdxClientOptions.of(url))) {
      TdxProblemException refused = assertThrows(TdxProblemException.class,
        () -> TestServer.await(client.importCsv("/products", CsvSource.file(products), ImportSettings.UPSERT)));
      assertEquals(401, refused.status());
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"export", "/products", "--url", url, "--token", READER, "-q"}, new PrintWriter(out, true),
      new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    assertEquals(ImportTest.PRODUCTS, out.toString());
    StringWriter denied = new StringWriter();
    int refused = Main.run(new String[] {"import", "/products", products.toString(), "--url", url, "--token", READER, "-q"},
      new PrintWriter(new StringWriter(), true), new PrintWriter(denied, true));
    assertEquals(1, refused, denied.toString());
    assertTrue(denied.toString().contains("reader may not import into /products"), denied.toString());
  }

  @Test
  @DisplayName("configuration: tokens only by their SHA-256; other interfaces than loopback need auth or auth.none")
  void configuration() {
    JsonObject plain = TestServer.shippedConfig(dataDir.resolve("plain")).put("auth", new JsonObject().put("tokens",
      new JsonArray().add(new JsonObject().put("principal", "x").put("token", "secret"))));
    ConfigException e = assertThrows(ConfigException.class, () -> io.tdx.config.TdxConfig.from(plain));
    assertTrue(e.getMessage().contains("never in plain text"), e.getMessage());
    JsonObject open = TestServer.shippedConfig(dataDir.resolve("open"));
    open.getJsonObject("http").put("host", "0.0.0.0");
    e = assertThrows(ConfigException.class, () -> io.tdx.config.TdxConfig.from(open));
    assertTrue(e.getMessage().contains("no auth is configured"), e.getMessage());
    open.put("auth", new JsonObject().put("none", true));
    assertFalse(io.tdx.config.TdxConfig.from(open).auth().enabled());
    JsonObject badRight = TestServer.shippedConfig(dataDir.resolve("bad")).put("auth", new JsonObject().put("tokens",
      new JsonArray().add(token("x", "t", "write:sales"))));
    e = assertThrows(ConfigException.class, () -> io.tdx.config.TdxConfig.from(badRight));
    assertTrue(e.getMessage().contains("permission 'write:sales'"), e.getMessage());
  }
}
