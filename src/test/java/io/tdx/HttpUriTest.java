package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Imports from http:// URIs, with no way to internal addresses the configuration does not allow")
class HttpUriTest extends ServerTest {
  final Vertx fixtures = Vertx.vertx();
  HttpServer files;
  HttpServer tls;
  int port;

  /** The file server starts first: the allowed host:port names its port. */
  @Override
  JsonObject configure(JsonObject config) {
    if (files == null) {
      files = TestServer.await(fixtures.createHttpServer().requestHandler(request -> {
        switch (request.path()) {
          case "/products.csv" -> request.response().end(ImportTest.PRODUCTS);
          case "/products.csv.gz" -> request.response().end(Buffer.buffer(RequestErrorsTest.gzip("SKU,PRICE\nG1,1.00\n")));
          case "/encoded.csv" -> request.response().putHeader("Content-Encoding", "gzip")
            .end(Buffer.buffer(RequestErrorsTest.gzip("SKU,PRICE\nE1,1.00\n")));
          case "/brotli.csv" -> request.response().putHeader("Content-Encoding", "br").end("not brotli");
          case "/moved" -> request.response().setStatusCode(302).putHeader("Location", "/products.csv").end();
          case "/escape" -> request.response().setStatusCode(302)
            .putHeader("Location", "http://localhost:" + request.localAddress().port() + "/products.csv").end();
          default -> request.response().setStatusCode(404).end();
        }
      }).listen(0, "127.0.0.1"));
      port = files.actualPort();
      var certificate = io.vertx.core.net.SelfSignedCertificate.create("127.0.0.1");
      tls = TestServer.await(fixtures.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
          .setKeyCertOptions(certificate.keyCertOptions()))
        .requestHandler(request -> request.response().end(ImportTest.PRODUCTS)).listen(0, "127.0.0.1"));
    }
    return config.put("files", new JsonObject().put("httpAllowHosts", new JsonArray()
      .add("127.0.0.1:" + port).add("127.0.0.1:" + tls.actualPort())));
  }

  @AfterEach
  void stopFileServer() {
    TestServer.await(fixtures.close());
  }

  HttpResponse<Buffer> importUri(String uri) {
    return tdx.post("/products?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8), "");
  }

  @Test
  @DisplayName("an allowed host's file imports, gzip too, and an allowed redirect is followed")
  void imports() {
    assertEquals("3", importUri("http://127.0.0.1:" + port + "/products.csv").getHeader("TDX-Rows-Inserted"));
    assertEquals("1", importUri("http://127.0.0.1:" + port + "/products.csv.gz").getHeader("TDX-Rows-Inserted"));
    assertEquals("3", importUri("http://127.0.0.1:" + port + "/moved").getHeader("TDX-Rows-Updated"));
    assertEquals(ImportTest.PRODUCTS + "G1,,1.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("loopback under another name, reached directly or by redirect, is a 403; a missing file a 404")
  void ssrf() {
    JsonObject direct = RequestErrorsTest.problem(importUri("http://localhost:" + port + "/products.csv"), 403, "file-forbidden");
    assertEquals("internal-address", direct.getString("rule"));
    JsonObject redirected = RequestErrorsTest.problem(importUri("http://127.0.0.1:" + port + "/escape"), 403, "file-forbidden");
    assertTrue(redirected.getString("detail").contains("localhost"), redirected.encode());
    RequestErrorsTest.problem(importUri("http://127.0.0.1:" + port + "/nothing.csv"), 404, "file-not-found");
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a file fetched into a part's spool counts against txn.maxSpoolBytes")
  void fetchedPartsCountAgainstTheSpool(@org.junit.jupiter.api.io.TempDir java.nio.file.Path otherData) throws Exception {
    try (TestServer small = TestServer.start(otherData, config -> configure(config)
      .put("txn", new JsonObject().put("maxSpoolBytes", 2 * (ImportTest.PRODUCTS.length() + 20)).put("memoryPartBytes", 0)))) {
      String txn = Locations.path(small.post("/txn/start?async=true", "").getHeader("Location"));
      assertEquals(202, small.post("/products?txn=" + txn.substring(5) + "&uri="
        + URLEncoder.encode("http://127.0.0.1:" + port + "/products.csv", StandardCharsets.UTF_8), "").statusCode());
      String state = "DOWNLOADING";
      for (int i = 0; i < 100 && state.equals("DOWNLOADING"); i++) {
        Thread.sleep(50);
        state = small.get(txn + "/p1").bodyAsJsonObject().getString("state");
      }
      assertEquals("READY", state);
      RequestErrorsTest.problem(small.post("/products?txn=" + txn.substring(5), "SKU,PRICE\nA1,1.00\nB2,2.00\nC3,3.00\n"),
        503, "spool-full");
    }
  }

  @Test
  @DisplayName("an https:// server whose certificate the JDK does not trust is refused, not read")
  void untrustedCertificate() {
    JsonObject refused = RequestErrorsTest.problem(importUri("https://127.0.0.1:" + tls.actualPort() + "/products.csv"), 502, "fetch-failed");
    assertEquals("unreachable", refused.getString("rule"), refused.encode());
    assertTrue(refused.getString("detail").toLowerCase(java.util.Locale.ROOT).matches(".*(certificat|pkix|ssl|handshake).*"),
      refused.getString("detail"));
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("an asynchronous part by http:// URI is DOWNLOADING, fetched into the spool, then commits")
  void transactionPart() {
    String txn = Locations.path(tdx.post("/txn/start?async=true", "").getHeader("Location"));
    HttpResponse<Buffer> part = tdx.post("/products?txn=" + txn.substring(5) + "&uri="
      + URLEncoder.encode("http://127.0.0.1:" + port + "/products.csv", StandardCharsets.UTF_8), "");
    assertEquals(202, part.statusCode(), part.bodyAsString());
    tdx.post(txn + "/commit", "[\"p1\"]");
    assertEquals(303, TestServer.await(tdx.request(HttpMethod.GET, txn + "/poll?wait=30").followRedirects(false).send()).statusCode());
    assertEquals("COMMITTED", tdx.get(txn).bodyAsJsonObject().getString("state"));
    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
  }
  @Test
  @DisplayName("a gzip Content-Encoding is decoded; one the server does not decode is a 502 bad-encoding")
  void contentEncoding() {
    assertEquals("1", importUri("http://127.0.0.1:" + port + "/encoded.csv").getHeader("TDX-Rows-Inserted"));
    JsonObject brotli = RequestErrorsTest.problem(importUri("http://127.0.0.1:" + port + "/brotli.csv"), 502, "fetch-failed");
    assertEquals("bad-encoding", brotli.getString("rule"), brotli.encode());
    assertEquals("SKU,DESCRIPTION,PRICE\nE1,,1.00\n", tdx.export("/products"));
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("every special-purpose range is internal, refused before any connection: NAT64, 6to4, Teredo and IPv4-compatible embeddings too")
  @ValueSource(strings = {"[::127.0.0.1]", "[::7f00:1]", "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]",
    "[2002:7f00:1::1]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]", "[::]", "[fe80::1]", "[fd00::1]", "[2001:db8::1]",
    "100.100.100.200", "100.64.0.1", "198.18.0.1", "0.0.0.0", "255.255.255.255", "192.0.0.170", "240.0.0.1", "224.0.0.1",
    "169.254.169.254", "10.0.0.1", "192.0.2.1"})
  void internalRanges(String host) {
    JsonObject refused = RequestErrorsTest.problem(importUri("http://" + host + ":" + port + "/products.csv"), 403, "file-forbidden");
    assertEquals("internal-address", refused.getString("rule"), refused.encode());
    JsonObject noPort = RequestErrorsTest.problem(importUri("http://" + host + "/latest/meta-data/"), 403, "file-forbidden");
    assertEquals("internal-address", noPort.getString("rule"), noPort.encode());
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("an httpAllowHosts entry allows its host at its port only")
  void allowHostsNameAPort() throws Exception {
    HttpServer other = TestServer.await(fixtures.createHttpServer().requestHandler(request -> request.response().end(ImportTest.PRODUCTS))
      .listen(0, "127.0.0.1"));
    JsonObject refused = RequestErrorsTest.problem(importUri("http://127.0.0.1:" + other.actualPort() + "/products.csv"), 403, "file-forbidden");
    assertEquals("internal-address", refused.getString("rule"));
    assertTrue(refused.getString("detail").contains("127.0.0.1:" + other.actualPort()), refused.encode());
    assertEquals("3", importUri("http://127.0.0.1:" + port + "/products.csv").getHeader("TDX-Rows-Inserted"));
  }
}
