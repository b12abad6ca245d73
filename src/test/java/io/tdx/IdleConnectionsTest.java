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
import java.io.InputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A connection waiting on its client is closed after limits.connectionIdleSeconds; one the server works for is not")
class IdleConnectionsTest {
  static final int IDLE_SECONDS = 1;
  @TempDir
  Path dataDir;
  Vertx fixtures;
  HttpServer slowFiles;
  TestServer tdx;

  @BeforeEach
  void start() {
    fixtures = Vertx.vertx();
    // a file server that answers three idle periods late: the import waits on the server's side the whole time
    slowFiles = TestServer.await(fixtures.createHttpServer().requestHandler(request ->
      fixtures.setTimer(3_000L * IDLE_SECONDS, t -> request.response().end(ImportTest.PRODUCTS))).listen(0, "127.0.0.1"));
    tdx = TestServer.start(dataDir, config -> {
      config.put("limits", config.getJsonObject("limits", new JsonObject()).put("connectionIdleSeconds", IDLE_SECONDS));
      return config.put("files", new JsonObject().put("httpAllowHosts", new JsonArray().add("127.0.0.1:" + slowFiles.actualPort())));
    });
  }

  @AfterEach
  void stop() {
    tdx.close();
    TestServer.await(fixtures.close());
  }

  @Test
  @DisplayName("a connection that sends nothing, or only part of a request head, is closed")
  void idleClosed() throws Exception {
    for (String sent : new String[] {"", "GET /products HTTP/1.1\r\nHost: x\r\n"}) {
      try (Socket socket = new Socket("127.0.0.1", tdx.port())) {
        socket.setSoTimeout(10_000 * IDLE_SECONDS);
        socket.getOutputStream().write(sent.getBytes(StandardCharsets.US_ASCII));
        long started = System.nanoTime();
        InputStream in = socket.getInputStream();
        assertEquals(-1, in.read(), "the server closes the connection without an answer");
        long waited = (System.nanoTime() - started) / 1_000_000;
        assertTrue(waited >= 900L * IDLE_SECONDS, "closed only once idle: after " + waited + " ms");
      }
    }
  }

  @Test
  @DisplayName("an import the server works on for three idle periods (fetching its file) is answered on its connection")
  void workingNotClosed() {
    String uri = "http://127.0.0.1:" + slowFiles.actualPort() + "/products.csv";
    HttpResponse<Buffer> response = TestServer.await(tdx.client()
      .request(HttpMethod.POST, "/products?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8)).send());
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
  }
}
