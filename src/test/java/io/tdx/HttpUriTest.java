package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Imports from http:// URIs, with no way to internal addresses the configuration does not allow")
class HttpUriTest extends ServerTest {
  HttpServer files;
  int port;

  @Override
  JsonObject configure(JsonObject config) {
    return config.put("files", new JsonObject().put("httpAllowHosts", new JsonArray().add("127.0.0.1")));
  }

  @BeforeEach
  void startFileServer() {
    files = TestServer.await(tdx.vertx().createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/products.csv" -> request.response().end(ImportTest.PRODUCTS);
        case "/products.csv.gz" -> request.response().end(Buffer.buffer(RequestErrorsTest.gzip("SKU,PRICE\nG1,1.00\n")));
        case "/moved" -> request.response().setStatusCode(302).putHeader("Location", "/products.csv").end();
        case "/escape" -> request.response().setStatusCode(302)
          .putHeader("Location", "http://localhost:" + request.localAddress().port() + "/products.csv").end();
        default -> request.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1"));
    port = files.actualPort();
  }

  @AfterEach
  void stopFileServer() {
    TestServer.await(files.close());
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
      .put("txn", new JsonObject().put("maxSpoolBytes", 2 * (ImportTest.PRODUCTS.length() + 20))))) {
      String txn = small.post("/txn/start?async=true", "").getHeader("Location");
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
    var certificate = io.vertx.core.net.SelfSignedCertificate.create("127.0.0.1");
    HttpServer tls = TestServer.await(tdx.vertx().createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
        .setKeyCertOptions(certificate.keyCertOptions()))
      .requestHandler(request -> request.response().end(ImportTest.PRODUCTS)).listen(0, "127.0.0.1"));
    try {
      JsonObject refused = RequestErrorsTest.problem(importUri("https://127.0.0.1:" + tls.actualPort() + "/products.csv"), 502, "fetch-failed");
      assertEquals("unreachable", refused.getString("rule"), refused.encode());
      assertTrue(refused.getString("detail").toLowerCase(java.util.Locale.ROOT).matches(".*(certificat|pkix|ssl|handshake).*"),
        refused.getString("detail"));
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    } finally {
      TestServer.await(tls.close());
    }
  }

  @Test
  @DisplayName("an asynchronous part by http:// URI is DOWNLOADING, fetched into the spool, then commits")
  void transactionPart() {
    String txn = tdx.post("/txn/start?async=true", "").getHeader("Location");
    HttpResponse<Buffer> part = tdx.post("/products?txn=" + txn.substring(5) + "&uri="
      + URLEncoder.encode("http://127.0.0.1:" + port + "/products.csv", StandardCharsets.UTF_8), "");
    assertEquals(202, part.statusCode(), part.bodyAsString());
    tdx.post(txn + "/commit", "[\"p1\"]");
    assertEquals(303, TestServer.await(tdx.request(HttpMethod.GET, txn + "/poll?wait=30").followRedirects(false).send()).statusCode());
    assertEquals("COMMITTED", tdx.get(txn).bodyAsJsonObject().getString("state"));
    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
  }
}
