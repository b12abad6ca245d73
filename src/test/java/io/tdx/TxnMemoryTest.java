package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Finished transactions leave memory and answer from the workspace; results live under a budget; GET /txn pages")
class TxnMemoryTest extends ServerTest {
  /** Finished documents kept in memory in all (one per owner with the test's two owners). */
  static final int RECENT = 2;

  @Override
  JsonObject configure(JsonObject config) {
    return config.put("txn", new JsonObject().put("recentDocuments", RECENT))
      .put("limits", config.getJsonObject("limits").copy().put("maxQueuedJobs", 1000));
  }

  HttpResponse<Buffer> send(HttpMethod method, String uri, String body, String accept) {
    return TestServer.await(sendAsync(method, uri, body, accept));
  }

  Future<HttpResponse<Buffer>> sendAsync(HttpMethod method, String uri, String body, String accept) {
    var request = tdx.client().request(method, uri).followRedirects(false);
    if (accept != null) {
      request.putHeader("Accept", accept);
    }
    return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
  }

  String start() {
    HttpResponse<Buffer> started = send(HttpMethod.POST, "/txn/start?async=true", null, null);
    assertEquals(201, started.statusCode(), started.bodyAsString());
    return Locations.path(started.getHeader("Location"));
  }

  String part(String service, String txn, String csv) {
    HttpResponse<Buffer> part = send(service.equals("GET /products") ? HttpMethod.GET : HttpMethod.POST,
      (service.startsWith("GET ") ? service.substring(4) : service) + "?txn=" + txn.substring(5), csv, null);
    assertEquals(201, part.statusCode(), part.bodyAsString());
    return Locations.path(part.getHeader("Location"));
  }

  JsonObject commitAndWait(String txn, String... parts) {
    HttpResponse<Buffer> commit = send(HttpMethod.POST, txn + "/commit", new JsonArray(List.of((Object[]) parts)).encode(), null);
    assertEquals(202, commit.statusCode(), commit.bodyAsString());
    assertEquals(303, send(HttpMethod.GET, txn + "/poll?wait=60", null, null).statusCode());
    return send(HttpMethod.GET, txn, null, null).bodyAsJsonObject();
  }

  static String id(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** {@code count} transactions started and aborted, {@code 16} at a time. */
  void startAndAbort(int count) {
    for (int done = 0; done < count; ) {
      List<Future<HttpResponse<Buffer>>> batch = new ArrayList<>();
      for (int i = 0; i < 16 && done < count; i++, done++) {
        batch.add(sendAsync(HttpMethod.POST, "/txn/start?async=true", null, null)
          .compose(started -> sendAsync(HttpMethod.POST, Locations.path(started.getHeader("Location")) + "/abort", null, null)));
      }
      TestServer.await(Future.all(new ArrayList<>(batch)));
      batch.forEach(aborted -> assertEquals(200, aborted.result().statusCode(), aborted.result().bodyAsString()));
    }
  }

  JsonObject memory() {
    HttpResponse<Buffer> memory = send(HttpMethod.GET, "/tdx/txn/memory", null, null);
    assertEquals(200, memory.statusCode(), memory.bodyAsString());
    return memory.bodyAsJsonObject();
  }

  /** Every transaction GET /txn lists, following {@code next} from page to page. */
  static List<JsonObject> listAll(TestServer tdx, String query) {
    List<JsonObject> all = new ArrayList<>();
    String next = "/txn?" + query;
    while (next != null) {
      HttpResponse<Buffer> page = tdx.get(next);
      assertEquals(200, page.statusCode(), page.bodyAsString());
      page.bodyAsJsonObject().getJsonArray("transactions").forEach(t -> all.add((JsonObject) t));
      next = page.bodyAsJsonObject().getString("next");
      assertEquals(next == null ? null : "<" + next + ">; rel=\"next\"", page.getHeader("Link"));
    }
    return all;
  }

  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "never: " + what);
      Thread.sleep(50);
    }
  }

  static long directories(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static List<Path> files(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> tree = Files.walk(dir)) {
      return tree.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("a finished transaction that left memory answers GET, poll, part JSON and part CSV from the workspace and the result store")
  void answersAfterLeavingMemory() throws Exception {
    tdx.post("/products", "SKU,PRICE\nA1,1\nB2,2\n");
    String txn = start();
    String rejecting = part("/products", txn, "SKU,PRICE\nC3,3\nD4,-1\n");
    String clean = part("/products", txn, "SKU,DESCRIPTION,PRICE\nE5,Egg,5\n");
    String export = part("GET /products", txn, null);
    JsonObject before = commitAndWait(txn, id(rejecting), id(clean), id(export));
    assertEquals("COMMITTED", before.getString("state"), before.encodePrettily());
    String exported = send(HttpMethod.GET, export, null, "text/csv").bodyAsString();
    assertEquals(2, files(dataDir.resolve("results")).size(), "only the export and the error file with a rejected row are kept: "
      + files(dataDir.resolve("results")));

    startAndAbort(20);
    eventually("only the recent documents held", () -> memory().getInteger("held") <= RECENT);
    assertEquals(0, memory().getInteger("open"));

    assertEquals(before, send(HttpMethod.GET, txn, null, null).bodyAsJsonObject());
    HttpResponse<Buffer> poll = send(HttpMethod.GET, txn + "/poll?wait=5", null, null);
    assertEquals(303, poll.statusCode());
    assertEquals(txn, Locations.path(poll.getHeader("Location")));
    assertEquals(before.getJsonArray("parts").getJsonObject(0), send(HttpMethod.GET, rejecting, null, null).bodyAsJsonObject());
    HttpResponse<Buffer> errors = send(HttpMethod.GET, rejecting, null, "text/csv");
    assertEquals(200, errors.statusCode(), errors.bodyAsString());
    assertTrue(errors.bodyAsString().startsWith("SKU,PRICE,LINE,CAUSE,CAUSE_CODE\nD4,-1,3,"), errors.bodyAsString());
    HttpResponse<Buffer> headerOnly = send(HttpMethod.GET, clean, null, "text/csv");
    assertEquals(200, headerOnly.statusCode(), headerOnly.bodyAsString());
    assertEquals("text/csv; charset=utf-8", headerOnly.getHeader("Content-Type"));
    assertEquals("SKU,DESCRIPTION,PRICE,LINE,CAUSE,CAUSE_CODE\n", headerOnly.bodyAsString());
    assertEquals(exported, send(HttpMethod.GET, export, null, "text/csv").bodyAsString());
    assertTrue(exported.contains("E5,Egg,5.00"), exported);
    RequestErrorsTest.problem(send(HttpMethod.POST, txn + "/abort", null, null), 409, "transaction-not-open");
    RequestErrorsTest.problem(send(HttpMethod.GET, txn + "/p9", null, null), 404, "unknown-part");
  }

  @Test
  @DisplayName("a long poll waiting when the transaction finishes is answered then, and an aborted one answers after it left memory")
  void pollsAndAborts() throws Exception {
    String txn = start();
    String p1 = part("/products", txn, "SKU,PRICE\nA1,1\n");
    Future<HttpResponse<Buffer>> waiting = sendAsync(HttpMethod.GET, txn + "/poll?wait=60", null, null);
    Thread.sleep(200);
    assertEquals(202, send(HttpMethod.POST, txn + "/commit", "[\"" + id(p1) + "\"]", null).statusCode());
    assertEquals(303, TestServer.await(waiting).statusCode());
    String aborted = start();
    part("/products", aborted, "SKU,PRICE\nB2,2\n");
    JsonObject document = send(HttpMethod.POST, aborted + "/abort", null, null).bodyAsJsonObject();
    startAndAbort(20);
    assertEquals(document, send(HttpMethod.GET, aborted, null, null).bodyAsJsonObject());
    assertEquals(document, send(HttpMethod.POST, aborted + "/abort", null, null).bodyAsJsonObject(), "a repeated abort is idempotent");
    RequestErrorsTest.problem(send(HttpMethod.GET, aborted + "/p1", null, "text/csv"), 409, "no-result-yet");
  }

  @Test
  @DisplayName("3,000 finished transactions leave no state in memory beyond the recent documents, and all are listed")
  void manyFinishedLeaveNoState() throws Exception {
    startAndAbort(3_000);
    String txn = start();
    String p1 = part("/products", txn, "SKU,PRICE\nA1,1\n");
    commitAndWait(txn, id(p1));
    String open = start();
    // the aborts' records are written in batches; then only the open one and the recent documents stay
    eventually("only the open transaction and the recent documents held", () -> memory().getInteger("held") <= RECENT + 1);
    JsonObject memory = memory();
    assertEquals(1, memory.getInteger("open"), memory.encode());
    assertTrue(memory.getInteger("recent") <= RECENT, memory.encode());
    List<JsonObject> all = listAll(tdx, "limit=1000");
    assertEquals(3_002, all.size());
    assertEquals(3_000, all.stream().filter(t -> t.getString("state").equals("ABORTED")).count());
    assertEquals(open.substring(5), all.get(3_001).getString("id"));
    // a transaction makes a spool directory only for a body too large to hold in memory: none here, the open one's neither
    eventually("no spool directory left", () -> directories(dataDir.resolve("txn")) == 0);
  }

  @Test
  @DisplayName("GET /txn pages in creation order across finished and open transactions, by state, after a restart too")
  void listingPages() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String txn = start();
      ids.add(txn.substring(5));
      if (i % 2 == 0) {
        commitAndWait(txn, id(part("/products", txn, "SKU,PRICE\nA" + i + ",1\n")));
      } else {
        send(HttpMethod.POST, txn + "/abort", null, null);
      }
    }
    ids.add(start().substring(5));
    ids.add(start().substring(5));
    List<JsonObject> all = listAll(tdx, "limit=2");
    assertEquals(ids, all.stream().map(t -> t.getString("id")).toList());
    assertEquals(List.of(ids.get(5), ids.get(6)), listAll(tdx, "state=open&limit=1").stream().map(t -> t.getString("id")).toList());
    assertEquals(3, listAll(tdx, "state=COMMITTED").size());

    HttpResponse<Buffer> first = tdx.get("/txn?limit=3");
    String next = first.bodyAsJsonObject().getString("next");
    assertNotNull(next);
    String text = send(HttpMethod.GET, "/txn?limit=3", null, "text/plain").bodyAsString();
    assertTrue(text.startsWith(ids.get(0) + " COMMITTED\n") && text.endsWith("next " + next + "\n"), text);
    // newest first, paged the other way
    List<JsonObject> newest = listAll(tdx, "order=newest");
    List<String> reversed = new ArrayList<>(ids);
    java.util.Collections.reverse(reversed);
    assertEquals(reversed, newest.stream().map(t -> t.getString("id")).toList());
    HttpResponse<Buffer> firstNewest = tdx.get("/txn?order=newest&limit=3");
    assertEquals(reversed.subList(0, 3),
      firstNewest.bodyAsJsonObject().getJsonArray("transactions").stream().map(t -> ((JsonObject) t).getString("id")).toList());
    assertTrue(firstNewest.bodyAsJsonObject().getString("next").startsWith("/txn?order=newest&limit=3&after="));
    assertNull(tdx.get("/txn?limit=7").bodyAsJsonObject().getString("next"));

    for (String bad : List.of("limit=0", "limit=1001", "limit=x", "state=DONE", "after=bm90IGEgY3Vyc29y", "after=%25")) {
      JsonObject problem = RequestErrorsTest.problem(tdx.get("/txn?" + bad), 400, "bad-parameter");
      assertTrue(problem.getString("detail").contains(bad.substring(0, bad.indexOf('='))), problem.encode());
    }

    tdx.restart();
    List<JsonObject> after = listAll(tdx, "limit=4");
    assertEquals(ids, after.stream().map(t -> t.getString("id")).toList());
    assertEquals("ABORTED", after.get(6).getString("state"), "open at the stop: recorded ABORTED");
  }

  @Test
  @DisplayName("aborted and committed transactions leave no spool directory behind")
  void noSpoolDirectories() throws Exception {
    for (int i = 0; i < 30; i++) {
      String txn = start();
      part("/products", txn, "SKU,PRICE\nA" + i + ",1\n");
      if (i % 3 == 0) {
        commitAndWait(txn, "p1");
      } else {
        send(HttpMethod.POST, txn + "/abort", null, null);
      }
    }
    startAndAbort(200);
    eventually("no spool directory left", () -> directories(dataDir.resolve("txn")) == 0);
    assertFalse(files(dataDir.resolve("txn")).stream().anyMatch(f -> f.toString().endsWith(".csv")), "no spooled body left");
  }

  @Test
  @DisplayName("the result budget removes the oldest results first; their part CSV is then 410 result-removed saying when and why; the others survive a restart")
  void resultBudget() throws Exception {
    StringBuilder products = new StringBuilder("SKU,PRICE\n");
    for (int i = 0; i < 40; i++) {
      products.append("SKU-").append(1000 + i).append(",1.00\n");
    }
    try (TestServer small = TestServer.start(dataDir.resolve("budget"),
      config -> config.put("txn", new JsonObject().put("resultBudgetBytes", 1500)))) {
      small.post("/products", products.toString());
      TestServer own = tdx;
      tdx = small;
      try {
        List<String> exports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          String txn = start();
          String export = part("GET /products", txn, null);
          commitAndWait(txn, id(export));
          exports.add(export);
        }
        String oldest = exports.get(0);
        eventually("the oldest result removed", () -> send(HttpMethod.GET, oldest, null, "text/csv").statusCode() == 410);
        JsonObject problem = RequestErrorsTest.problem(send(HttpMethod.GET, oldest, null, "text/csv"), 410, "result-removed");
        assertTrue(problem.getString("reason").contains("txn.resultBudgetBytes"), problem.encode());
        assertNotNull(java.time.Instant.parse(problem.getString("removed")));
        assertTrue(problem.getString("detail").contains(problem.getString("removed")), problem.encode());
        HttpResponse<Buffer> newest = send(HttpMethod.GET, exports.get(2), null, "text/csv");
        assertEquals(200, newest.statusCode(), newest.bodyAsString());
        assertEquals(products.toString().replace("SKU,PRICE", "SKU,DESCRIPTION,PRICE").replace(",1.00", ",,1.00"),
          newest.bodyAsString());
        assertEquals("DONE", send(HttpMethod.GET, oldest, null, null).bodyAsJsonObject().getString("state"),
          "the part document stays");
        long kept = files(dataDir.resolve("budget").resolve("results")).stream().mapToLong(f -> f.toFile().length()).sum();
        assertTrue(kept <= 1500, "results on disk: " + kept + " bytes");

        small.restart(); // the results stay, found by the store's scan at start
        HttpResponse<Buffer> afterRestart = send(HttpMethod.GET, exports.get(2), null, "text/csv");
        assertEquals(200, afterRestart.statusCode(), afterRestart.bodyAsString());
        assertEquals(newest.bodyAsString(), afterRestart.bodyAsString());
        RequestErrorsTest.problem(send(HttpMethod.GET, oldest, null, "text/csv"), 410, "result-removed");
      } finally {
        tdx = own;
      }
    }
  }
}
