package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A file of hundreds of MB by URI imports into a server whose heap is 256 MB")
class LargeUriImportTest {
  static final int PRODUCTS = 2_000;
  static final int SALES = 7_000_000;

  @TempDir
  Path work;
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  @DisplayName("an asynchronous part by http:// URI is fetched into the spool, committed, and every row lands; -Xmx256m")
  void largeFileByUri() throws Exception {
    Path file = work.resolve("sales.csv");
    try (InputStream rows = new LargeImportTest.Generated("SKU,STORE,WEEK,UNITS,REVENUE\n", SALES,
      i -> "P" + (i % PRODUCTS) + ",S" + (i / (PRODUCTS * 53)) + "," + (i / PRODUCTS % 53 + 1) + "," + i + "," + i + ".50\n")) {
      Files.copy(rows, file);
    }
    long size = Files.size(file);
    assertTrue(size > 200L << 20, "the file is " + size + " bytes");

    Vertx vertx = Vertx.vertx();
    HttpServer files = TestServer.await(vertx.createHttpServer()
      .requestHandler(request -> request.response().sendFile(file.toString())).listen(0, "127.0.0.1"));
    Path dataDir = work.resolve("data");
    Path conf = work.resolve("tdx.json");
    Files.writeString(conf, TestServer.shippedConfig(dataDir)
      .put("files", new JsonObject().put("httpAllowHosts", new JsonArray().add("127.0.0.1:" + files.actualPort()))).encodePrettily());
    try (ServerProcess server = ServerProcess.start(List.of("-Xmx256m"), Map.of("TDX_CONF", conf.toString()))) {
      assertEquals(200, send(server, "POST", "/products", new LargeImportTest.Generated("SKU,PRICE\n", PRODUCTS,
        i -> "P" + i + "," + i + ".25\n")).statusCode());
      String txn = Locations.path(send(server, "POST", "/txn/start?async=true", null).headers().firstValue("Location").orElseThrow());
      String uri = "http://127.0.0.1:" + files.actualPort() + "/sales.csv";
      HttpResponse<String> part = send(server, "POST", "/sales?txn=" + txn.substring(5) + "&uri="
        + URLEncoder.encode(uri, StandardCharsets.UTF_8), null);
      assertEquals(202, part.statusCode(), part.body());
      assertEquals(202, send(server, "POST", txn + "/commit", new java.io.ByteArrayInputStream("[\"p1\"]".getBytes())).statusCode());
      int status = 200;
      for (int polls = 0; status == 200 && polls < 30; polls++) {
        status = send(server, "GET", txn + "/poll?wait=20", null).statusCode();
      }
      assertEquals(303, status);
      JsonObject done = new JsonObject(send(server, "GET", txn, null).body());
      assertEquals("COMMITTED", done.getString("state"), done.encodePrettily());
      assertEquals(SALES, done.getJsonArray("parts").getJsonObject(0).getJsonObject("result").getLong("inserted"), done.encodePrettily());
      System.out.printf("imported %,d rows (%,d bytes) by URI; server peak RSS %,d kB with -Xmx256m%n", SALES, size, server.peakRssKb());
      assertTrue(server.log.stream().noneMatch(l -> l.contains("OutOfMemoryError")), server.log::toString);
    } finally {
      TestServer.await(vertx.close());
    }
  }

  HttpResponse<String> send(ServerProcess server, String method, String path, InputStream body) throws Exception {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofInputStream(() -> body);
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).method(method, publisher).build(),
      HttpResponse.BodyHandlers.ofString());
  }
}
