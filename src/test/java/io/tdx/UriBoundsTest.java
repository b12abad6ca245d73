package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Files by URI are bounded by their decoded bytes and every wait has a timeout")
class UriBoundsTest extends ServerTest {
  static final int MAX_BODY = 100_000;
  static final String BIG = IntStream.range(0, 40_000).mapToObj(i -> "P" + i + "," + (i % 100) + ".25\n")
    .reduce(new StringBuilder("SKU,PRICE\n"), StringBuilder::append, StringBuilder::append).toString();
  static final byte[] BIG_GZIP = RequestErrorsTest.gzip(BIG);
  static final int CONNECT_SECONDS = 2;
  static final int IDLE_SECONDS = 3;

  final Vertx fixtures = Vertx.vertx();
  final List<Socket> fillers = new ArrayList<>();
  HttpServer files;
  ServerSocket silent;
  ServerSocket full;

  /** The fixtures start first: the allowed host:port pairs name their ports. */
  @Override
  JsonObject configure(JsonObject config) {
    files = TestServer.await(fixtures.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/big.csv.gz" -> request.response().end(Buffer.buffer(BIG_GZIP));
        case "/encoded.csv" -> request.response().putHeader("Content-Encoding", "gzip").end(Buffer.buffer(BIG_GZIP));
        case "/small.csv.gz" -> request.response().end(Buffer.buffer(RequestErrorsTest.gzip("SKU,PRICE\nS1,1.00\n")));
        case "/stall.csv" -> request.response().setChunked(true).write("SKU,PRICE\nA1,1.00\n"); // and nothing more
        default -> request.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1"));
    try {
      silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // connections complete, nobody answers
      full = neverAccepting();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    config.getJsonObject("limits").put("maxBodyBytes", MAX_BODY);
    config.getJsonObject("workspace").put("workers", 2);
    return config.put("files", new JsonObject()
      .put("httpAllowHosts", new JsonArray().add("127.0.0.1:" + files.actualPort()).add("127.0.0.1:" + silent.getLocalPort())
        .add("127.0.0.1:" + full.getLocalPort()))
      .put("httpConnectTimeoutSeconds", CONNECT_SECONDS).put("httpIdleTimeoutSeconds", IDLE_SECONDS));
  }

  /** A listener whose accept queue is full: a new connection is never established. */
  ServerSocket neverAccepting() throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 8; i++) {
      Socket filler = new Socket();
      try {
        filler.connect(server.getLocalSocketAddress(), 300);
        fillers.add(filler);
      } catch (SocketTimeoutException queueFull) {
        filler.close();
        return server;
      }
    }
    throw new IllegalStateException("the accept queue of a listener with backlog 1 never filled");
  }

  @AfterEach
  void stopFixtures() throws IOException {
    for (Socket filler : fillers) {
      filler.close();
    }
    silent.close();
    full.close();
    TestServer.await(fixtures.close());
  }

  String local(String path) {
    return "http://127.0.0.1:" + files.actualPort() + path;
  }

  Future<HttpResponse<Buffer>> importUri(String uri) {
    return tdx.request(HttpMethod.POST, "/products?uri=" + URLEncoder.encode(uri, StandardCharsets.UTF_8)).send();
  }

  @Test
  @DisplayName("limits.maxBodyBytes bounds the decoded bytes of a .gz by URI (http and file) and of a Content-Encoding: gzip: 413")
  void decodedBytes() throws IOException {
    assertTrue(BIG_GZIP.length < MAX_BODY && BIG.length() > 4 * MAX_BODY, BIG_GZIP.length + " / " + BIG.length());
    RequestErrorsTest.problem(TestServer.await(importUri(local("/big.csv.gz"))), 413, "body-too-large");
    RequestErrorsTest.problem(TestServer.await(importUri(local("/encoded.csv"))), 413, "body-too-large");
    Files.createDirectories(dataDir.resolve("files"));
    Files.write(dataDir.resolve("files/big.csv.gz"), BIG_GZIP);
    RequestErrorsTest.problem(TestServer.await(importUri("file://" + dataDir.resolve("files/big.csv.gz"))), 413, "body-too-large");
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    HttpResponse<Buffer> small = TestServer.await(importUri(local("/small.csv.gz")));
    assertEquals(200, small.statusCode(), small.bodyAsString());
    assertEquals("SKU,DESCRIPTION,PRICE\nS1,,1.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a transaction part's .gz by URI is bounded by its decoded bytes as it is fetched: the part fails, the transaction too")
  void decodedBytesOfAPart() throws Exception {
    String txn = Locations.path(tdx.post("/txn/start?async=true", "").getHeader("Location"));
    HttpResponse<Buffer> part = tdx.post("/products?txn=" + txn.substring(5) + "&uri="
      + URLEncoder.encode(local("/big.csv.gz"), StandardCharsets.UTF_8), "");
    assertEquals(202, part.statusCode(), part.bodyAsString());
    tdx.post(txn + "/commit", "[\"p1\"]");
    assertEquals(303, TestServer.await(tdx.request(HttpMethod.GET, txn + "/poll?wait=30").followRedirects(false).send()).statusCode());
    JsonObject failed = tdx.get(txn).bodyAsJsonObject();
    assertEquals("FAILED", failed.getString("state"), failed.encodePrettily());
    assertTrue(failed.getString("cause").contains("maxBodyBytes"), failed.encodePrettily());
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("silent URIs (never connected, never answered) answer 504 at their timeouts and hold no workspace worker meanwhile")
  void silentUris() {
    long start = System.nanoTime();
    List<Future<HttpResponse<Buffer>>> neverConnected = List.of(
      importUri("http://127.0.0.1:" + full.getLocalPort() + "/x.csv"), importUri("http://127.0.0.1:" + full.getLocalPort() + "/y.csv"));
    List<Future<HttpResponse<Buffer>>> neverAnswered = List.of(
      importUri("http://127.0.0.1:" + silent.getLocalPort() + "/x.csv"), importUri("http://127.0.0.1:" + silent.getLocalPort() + "/y.csv"));
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> wellFormed = tdx.post("/products", "SKU,PRICE\nW" + i + ",1.00\n");
      assertEquals(200, wellFormed.statusCode(), wellFormed.bodyAsString());
    }
    double wellFormedSeconds = seconds(start);
    assertTrue(wellFormedSeconds < CONNECT_SECONDS, "well-formed imports took " + wellFormedSeconds + " s beside the silent URIs");
    for (Future<HttpResponse<Buffer>> refused : neverConnected) {
      JsonObject problem = RequestErrorsTest.problem(TestServer.await(refused), 504, "fetch-failed");
      assertEquals("timeout", problem.getString("rule"), problem.encode());
    }
    double connectSeconds = seconds(start);
    assertTrue(connectSeconds >= CONNECT_SECONDS && connectSeconds < IDLE_SECONDS + 3, "never connected: " + connectSeconds + " s");
    for (Future<HttpResponse<Buffer>> refused : neverAnswered) {
      JsonObject problem = RequestErrorsTest.problem(TestServer.await(refused), 504, "fetch-failed");
      assertEquals("timeout", problem.getString("rule"), problem.encode());
    }
    double answerSeconds = seconds(start);
    assertTrue(answerSeconds >= IDLE_SECONDS && answerSeconds < IDLE_SECONDS + 3, "never answered: " + answerSeconds + " s");
    assertEquals("SKU,DESCRIPTION,PRICE\nW0,,1.00\nW1,,1.00\nW2,,1.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a body that stops answers 504 after files.httpIdleTimeoutSeconds, and nothing of it is written")
  void stalledBody() {
    long start = System.nanoTime();
    JsonObject problem = RequestErrorsTest.problem(TestServer.await(importUri(local("/stall.csv"))), 504, "fetch-failed");
    double stalledSeconds = seconds(start);
    assertEquals("timeout", problem.getString("rule"), problem.encode());
    assertTrue(problem.getString("detail").contains("files.httpIdleTimeoutSeconds"), problem.encode());
    assertTrue(stalledSeconds >= IDLE_SECONDS && stalledSeconds < IDLE_SECONDS + 3, "stalled body: " + stalledSeconds + " s");
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a transaction part by a URI that never answers fails at the timeout, and the transaction with it")
  void silentPart() {
    String txn = Locations.path(tdx.post("/txn/start?async=true", "").getHeader("Location"));
    HttpResponse<Buffer> part = tdx.post("/products?txn=" + txn.substring(5) + "&uri="
      + URLEncoder.encode("http://127.0.0.1:" + silent.getLocalPort() + "/x.csv", StandardCharsets.UTF_8), "");
    assertEquals(202, part.statusCode(), part.bodyAsString());
    tdx.post(txn + "/commit", "[\"p1\"]");
    assertEquals(303, TestServer.await(tdx.request(HttpMethod.GET, txn + "/poll?wait=30").followRedirects(false).send()).statusCode());
    JsonObject failed = tdx.get(txn).bodyAsJsonObject();
    assertEquals("FAILED", failed.getString("state"), failed.encodePrettily());
    assertTrue(failed.getString("cause").contains("timed out"), failed.encodePrettily());
  }

  static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
