package io.tdx;

import static io.tdx.RequestErrorsTest.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Request bodies: decoded within bounds, complete or refused, never held by a slow client")
class RequestBodyTest extends ServerTest {
  /** Every bomb is answered well within this, and the server still serves. */
  static final Duration BOUND = Duration.ofSeconds(30);
  static final long MAX_BODY = 8L << 20;
  @TempDir
  static Path bombs;
  /** 1 GiB of NUL bytes, gzipped (about 1 MB). */
  static Path bomb;

  @BeforeAll
  static void makeBomb() throws IOException {
    bomb = bombs.resolve("bomb.gz");
    byte[] zeros = new byte[1 << 20];
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb), 1 << 16)) {
      for (int i = 0; i < 1024; i++) {
        out.write(zeros);
      }
    }
  }

  @Override
  JsonObject configure(JsonObject config) {
    config.getJsonObject("limits").put("maxBodyBytes", MAX_BODY).put("bodyIdleSeconds", 5).put("minBodyBytesPerSecond", 100);
    return config;
  }

  static String rows(int from, int count) {
    StringBuilder csv = new StringBuilder("SKU,PRICE\n");
    for (int i = from; i < from + count; i++) {
      csv.append("K").append(i).append(',').append(i % 100).append('\n');
    }
    return csv.toString();
  }

  /** Well-formed imports from another client while something else goes on: each must succeed with its rows. */
  final class Bystander {
    private final CompletableFuture<List<Integer>> statuses;

    Bystander(int imports) {
      statuses = CompletableFuture.supplyAsync(() -> {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < imports; i++) {
          seen.add(tdx.post("/products", "SKU,PRICE\nB" + i + ",1\n").statusCode());
        }
        return seen;
      });
    }

    void assertUnaffected(int imports) throws Exception {
      assertEquals(java.util.Collections.nCopies(imports, 200), statuses.get(BOUND.toSeconds(), TimeUnit.SECONDS));
      String exported = tdx.export("/products");
      for (int i = 0; i < imports; i++) {
        assertTrue(exported.contains("\nB" + i + ",,1.00\n"), exported);
      }
    }
  }

  String startTxn() {
    return Locations.path(tdx.post("/txn/start?async=true", "").getHeader("Location")).substring(5);
  }

  String partState(String txn) {
    return tdx.get("/txn/" + txn + "/p1").bodyAsJsonObject().getString("state");
  }

  /** Waits (boundedly) for the part to leave RECEIVING. */
  String settledPartState(String txn) throws InterruptedException {
    long until = System.nanoTime() + BOUND.toNanos();
    String state = partState(txn);
    while (state.equals("RECEIVING") && System.nanoTime() < until) {
      Thread.sleep(100);
      state = partState(txn);
    }
    return state;
  }

  /** No row of {@link #rows} (keys K...) was written; other clients' rows may be there. */
  void assertNoRowsOfTheCutBody() {
    String exported = tdx.export("/products");
    assertTrue(exported.lines().noneMatch(line -> line.startsWith("K")), exported);
  }

  void assertNoRowsBut(String... skus) {
    String exported = tdx.export("/products");
    long rows = exported.lines().count() - 1;
    assertEquals(skus.length, rows, exported);
  }

  /** Sends the whole body on a raw connection, as a client that does not stop at an early answer, and reads the answer. */
  RawHttp.Answer sendWhole(String target, Path body, String... headers) throws Exception {
    try (RawHttp http = new RawHttp(tdx.port(), (int) BOUND.toMillis())) {
      String[] all = Stream.concat(Stream.of("Content-Encoding: gzip"), Arrays.stream(headers)).toArray(String[]::new);
      http.write(RawHttp.head("POST", target, Files.size(body), all));
      CompletableFuture<Boolean> sent = http.writeAll(Files.newInputStream(body));
      RawHttp.Answer answer = http.read();
      assertTrue(sent.get(BOUND.toSeconds(), TimeUnit.SECONDS), "the body could not be sent whole");
      if (answer.head().toLowerCase().contains("connection: close")) {
        assertTrue(http.closedByServer(), "the connection is held open after its answer");
      }
      return answer;
    }
  }

  static JsonObject rawProblem(RawHttp.Answer answer, int status, String type) {
    assertEquals(status, answer.status(), answer.head() + answer.body());
    assertTrue(answer.head().toLowerCase().contains("content-type: application/problem+json"), answer.head());
    JsonObject problem = new JsonObject(answer.body());
    assertEquals("urn:tdx:problem:" + type, problem.getString("type"));
    return problem;
  }

  @Nested
  @DisplayName("gzip bombs are answered within bounds and hurt no one else")
  class Bombs {
    @Test
    @DisplayName("1 GiB of NULs in 1 MB of gzip, sent whole twice, is a 400 each time within bounds; other imports succeed meanwhile")
    void bombTwice() throws Exception {
      Bystander others = new Bystander(10);
      for (int round = 0; round < 2; round++) {
        long start = System.nanoTime();
        rawProblem(sendWhole("/products", bomb), 400, "line-too-long");
        assertTrue(System.nanoTime() - start < BOUND.toNanos());
      }
      others.assertUnaffected(10);
    }

    @Test
    @DisplayName("the same bomb as a transaction part is a 413 when it is sent, the part FAILED, and only its compressed bytes are on disk")
    void bombAsPart() throws Exception {
      Bystander others = new Bystander(10);
      String txn = startTxn();
      long start = System.nanoTime();
      JsonObject problem = rawProblem(sendWhole("/products?txn=" + txn, bomb), 413, "body-too-large");
      assertTrue(System.nanoTime() - start < BOUND.toNanos());
      assertTrue(problem.getString("detail").contains("limits.maxBodyBytes"), problem.encode());
      assertEquals("FAILED", partState(txn));
      try (Stream<Path> files = Files.walk(tdx.dataDir())) {
        long onDisk = files.filter(f -> f.toString().contains(txn) && Files.isRegularFile(f)).mapToLong(f -> f.toFile().length()).sum();
        assertTrue(onDisk <= Files.size(bomb), onDisk + " bytes spooled");
      }
      others.assertUnaffected(10);
    }

    @Test
    @DisplayName("a body that decodes past limits.maxBodyBytes is a 413 as soon as the limit is crossed")
    void decodedPastLimit() {
      HttpResponse<Buffer> response = tdx.await(tdx.request(HttpMethod.POST, "/products")
        .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(RequestErrorsTest.gzip(rows(0, 1_000_000)))));
      problem(response, 413, "body-too-large");
      assertNoRowsBut();
    }
  }

  @Nested
  @DisplayName("content codings")
  class Codings {
    @Test
    @DisplayName("gzip, x-gzip and concatenated gzip members import; identity is plain")
    void gzipImports() throws Exception {
      byte[] first = RequestErrorsTest.gzip("SKU,PRICE\nA1,1\n");
      byte[] second = RequestErrorsTest.gzip("B2,2\n");
      byte[] both = Arrays.copyOf(first, first.length + second.length);
      System.arraycopy(second, 0, both, first.length, second.length);
      HttpResponse<Buffer> response = tdx.await(tdx.request(HttpMethod.POST, "/products")
        .putHeader("Content-Encoding", "x-gzip").sendBuffer(Buffer.buffer(both)));
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("2", response.getHeader("TDX-Rows-Inserted"));
      response = tdx.await(tdx.request(HttpMethod.POST, "/products")
        .putHeader("Content-Encoding", "identity").sendBuffer(Buffer.buffer("SKU,PRICE\nC3,3\n")));
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertNoRowsBut("A1", "B2", "C3");
    }

    @Test
    @DisplayName("a plain body labelled gzip is a 400 bad-encoding, as a request and as a part")
    void plainLabelledGzip() throws Exception {
      HttpResponse<Buffer> response = tdx.await(tdx.request(HttpMethod.POST, "/products")
        .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(rows(0, 10))));
      problem(response, 400, "bad-encoding");
      String txn = startTxn();
      problem(tdx.await(tdx.request(HttpMethod.POST, "/products?txn=" + txn)
        .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(rows(0, 10)))), 400, "bad-encoding");
      assertEquals("FAILED", partState(txn));
      assertNoRowsBut();
    }

    @Test
    @DisplayName("a gzip body sent without Content-Encoding as a part is a 400 bad-encoding")
    void gzipUnlabelledPart() throws Exception {
      String txn = startTxn();
      problem(tdx.await(tdx.request(HttpMethod.POST, "/products?txn=" + txn).sendBuffer(Buffer.buffer(RequestErrorsTest.gzip(rows(0, 10))))),
        400, "bad-encoding");
      assertEquals("FAILED", partState(txn));
    }

    @Test
    @DisplayName("br, deflate and stacked codings are a 415 with Accept-Encoding, and the body is not read as CSV")
    void unsupported() {
      for (String coding : List.of("br", "deflate", "gzip, gzip")) {
        HttpResponse<Buffer> response = tdx.await(tdx.request(HttpMethod.POST, "/products")
          .putHeader("Content-Encoding", coding).sendBuffer(Buffer.buffer(rows(0, 10))));
        JsonObject problem = problem(response, 415, "unsupported-encoding");
        assertTrue(problem.getString("detail").contains(coding), problem.encode());
        assertEquals("gzip, identity", response.getHeader("Accept-Encoding"));
      }
      assertNoRowsBut();
    }

    @Test
    @DisplayName("a gzip part imports at its commit")
    void gzipPartCommits() {
      String txn = startTxn();
      HttpResponse<Buffer> part = tdx.await(tdx.request(HttpMethod.POST, "/products?txn=" + txn)
        .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(RequestErrorsTest.gzip(rows(0, 1000)))));
      assertEquals(201, part.statusCode(), part.bodyAsString());
      HttpResponse<Buffer> commit = tdx.await(tdx.request(HttpMethod.POST, "/txn/" + txn + "/commit")
        .sendJsonObject(new JsonObject().put("parts", new io.vertx.core.json.JsonArray().add("p1"))));
      assertTrue(commit.statusCode() < 300, commit.bodyAsString());
      JsonObject done = tdx.get("/txn/" + txn + "/poll?wait=30").bodyAsJsonObject();
      assertEquals("COMMITTED", done.getString("state"), done.encode());
      assertEquals(1001, tdx.export("/products").lines().count());
    }
  }

  @Nested
  @DisplayName("a truncated body is an error and writes nothing")
  class Truncated {
    @Test
    @DisplayName("the first half of a gzip body, with its own correct Content-Length, is a 400 and writes nothing; as a part too")
    void halfGzip() throws Exception {
      Bystander others = new Bystander(5);
      byte[] whole = RequestErrorsTest.gzip(rows(0, 100_000));
      byte[] half = Arrays.copyOf(whole, whole.length / 2);
      HttpResponse<Buffer> response = tdx.await(tdx.request(HttpMethod.PUT, "/products?abort_on_error=true")
        .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(half)));
      JsonObject problem = problem(response, 400, "bad-encoding");
      assertTrue(problem.getString("detail").contains("truncated"), problem.encode());
      assertNoRowsOfTheCutBody();
      String txn = startTxn();
      problem(tdx.await(tdx.request(HttpMethod.POST, "/products?txn=" + txn)
        .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(half))), 400, "bad-encoding");
      assertEquals("FAILED", partState(txn));
      others.assertUnaffected(5);
    }

    @Test
    @DisplayName("a body shorter than its Content-Length, the connection then closed or reset, writes nothing; its part FAILED")
    void shortContentLength() throws Exception {
      Bystander others = new Bystander(5);
      byte[] csv = rows(0, 100).getBytes(StandardCharsets.UTF_8);
      for (boolean reset : new boolean[] {false, true}) {
        try (RawHttp http = new RawHttp(tdx.port(), (int) BOUND.toMillis())) {
          http.write(RawHttp.head("POST", "/products", csv.length * 2L)).write(csv);
          Thread.sleep(300);
          if (reset) {
            http.reset();
          }
        }
      }
      String txn = startTxn();
      try (RawHttp http = new RawHttp(tdx.port(), (int) BOUND.toMillis())) {
        http.write(RawHttp.head("POST", "/products?txn=" + txn, csv.length * 2L)).write(csv);
        Thread.sleep(300);
      }
      assertEquals("FAILED", settledPartState(txn));
      assertNoRowsOfTheCutBody();
      others.assertUnaffected(5);
    }

    @Test
    @DisplayName("a chunked body cut off before its last chunk writes nothing; its part FAILED")
    void cutChunked() throws Exception {
      Bystander others = new Bystander(5);
      String csv = rows(0, 100);
      String chunk = Integer.toHexString(csv.length()) + "\r\n" + csv + "\r\n";
      try (RawHttp http = new RawHttp(tdx.port(), (int) BOUND.toMillis())) {
        http.write(RawHttp.head("POST", "/products", -1)).write(chunk);
        Thread.sleep(300);
      }
      String txn = startTxn();
      try (RawHttp http = new RawHttp(tdx.port(), (int) BOUND.toMillis())) {
        http.write(RawHttp.head("POST", "/products?txn=" + txn, -1)).write(chunk);
        Thread.sleep(300);
        http.reset();
      }
      assertEquals("FAILED", settledPartState(txn));
      assertNoRowsOfTheCutBody();
      others.assertUnaffected(5);
    }
  }

  @Nested
  @DisplayName("slow clients")
  class Slow {
    @Test
    @DisplayName("bodies sent a byte a second are a 408 and their connections closed; no worker is held meanwhile")
    void dribble() throws Exception {
      String txn = startTxn();
      List<RawHttp> slow = new ArrayList<>();
      byte[] csv = rows(0, 100).getBytes(StandardCharsets.UTF_8);
      // more slow imports than there are workspace workers, and a slow part
      for (String target : List.of("/products", "/products", "/products", "/products?txn=" + txn)) {
        RawHttp http = new RawHttp(tdx.port(), (int) BOUND.toMillis());
        slow.add(http);
        http.write(RawHttp.head("POST", target, csv.length));
        CompletableFuture.runAsync(() -> {
          try {
            for (byte b : csv) {
              http.write(new byte[] {b});
              Thread.sleep(1000);
            }
          } catch (Exception closed) {
            // the server gave up on this client
          }
        });
      }
      Thread.sleep(1000);
      assertEquals(200, tdx.post("/products", "SKU,PRICE\nF1,1\n").statusCode());
      assertEquals("SKU,DESCRIPTION,PRICE\nF1,,1.00\n", tdx.export("/products"));
      for (RawHttp http : slow) {
        assertEquals(0, http.available(), "a slow client was answered before the import and export were done");
      }
      for (RawHttp http : slow) {
        long start = System.nanoTime();
        RawHttp.Answer answer = http.read();
        assertTrue(System.nanoTime() - start < BOUND.toNanos());
        if (!answer.closedWithoutAnswer()) {
          JsonObject problem = rawProblem(answer, 408, "request-timeout");
          assertTrue(problem.getString("detail").contains("limits.minBodyBytesPerSecond"), problem.encode());
        }
        assertTrue(http.closedByServer(), "the connection stays open");
        http.close();
      }
      assertEquals("FAILED", settledPartState(txn));
      assertNoRowsBut("F1");
    }
  }
}
