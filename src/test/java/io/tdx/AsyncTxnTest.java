package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The asynchronous transaction protocol (PROTOCOL.md 3.2)")
class AsyncTxnTest extends ServerTest {

  HttpResponse<Buffer> send(HttpMethod method, String uri, String body, String accept) {
    var request = tdx.request(method, uri).followRedirects(false);
    if (accept != null) {
      request.putHeader("Accept", accept);
    }
    return TestServer.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  String start() {
    HttpResponse<Buffer> started = send(HttpMethod.POST, "/txn/start?async=true", null, null);
    assertEquals(201, started.statusCode(), started.bodyAsString());
    String location = Locations.path(started.getHeader("Location"));
    assertTrue(location.matches("/txn/[0-9a-f-]{36}"), location);
    assertEquals("OPEN", started.bodyAsJsonObject().getString("state"));
    return location;
  }

  String part(HttpMethod method, String service, String txn, String csv) {
    HttpResponse<Buffer> part = send(method, service + (service.contains("?") ? "&" : "?") + "txn=" + txn.substring(5), csv, null);
    assertEquals(201, part.statusCode(), part.bodyAsString());
    assertTrue(Locations.path(part.getHeader("Location")).startsWith(txn + "/"), Locations.path(part.getHeader("Location")));
    return Locations.path(part.getHeader("Location"));
  }

  static String id(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }

  HttpResponse<Buffer> commit(String txn, String body) {
    return send(HttpMethod.POST, txn + "/commit", body, null);
  }

  JsonObject waitFinished(String txn) {
    HttpResponse<Buffer> poll = send(HttpMethod.GET, txn + "/poll?wait=30", null, null);
    assertEquals(303, poll.statusCode(), poll.bodyAsString());
    assertEquals(txn, Locations.path(poll.getHeader("Location")));
    return send(HttpMethod.GET, txn, null, "application/json").bodyAsJsonObject();
  }

  @Test
  @DisplayName("the seed's interaction, steps 1 to 9, with /products and /sales")
  void seedInteraction() {
    String txn = start();                                                                   // 1
    String products = part(HttpMethod.POST, "/products", txn, ImportTest.PRODUCTS);          // 2
    String sales = part(HttpMethod.POST, "/sales", txn, "SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\nB2,S1,1,4,1.00\n"); // 3
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"), "nothing touches the workspace before commit");

    HttpResponse<Buffer> committed = commit(txn, new JsonObject()
      .put("parts", new JsonArray().add(id(products)).add(id(sales))).encode());             // 4
    assertEquals(202, committed.statusCode(), committed.bodyAsString());
    assertEquals(txn + "/status", Locations.path(committed.getHeader("Location")));

    HttpResponse<Buffer> poll = send(HttpMethod.GET, txn + "/poll", null, null);             // 5
    assertTrue(poll.statusCode() == 200 || poll.statusCode() == 303, poll.bodyAsString());
    if (poll.statusCode() == 200) {
      assertEquals("1", poll.getHeader("Retry-After"));
    }
    JsonObject document = waitFinished(txn);                                                 // 6, 7
    assertEquals("COMMITTED", document.getString("state"), document.encodePrettily());
    assertTrue(document.getBoolean("async"));
    assertNotNull(document.getString("created"));
    assertNotNull(document.getString("committed"));
    assertNotNull(document.getString("finished"));
    JsonArray parts = document.getJsonArray("parts");
    assertEquals(2, parts.size());
    assertEquals("DONE", parts.getJsonObject(0).getString("state"));
    assertEquals(3, parts.getJsonObject(0).getJsonObject("result").getLong("inserted"));
    assertEquals(2, parts.getJsonObject(1).getJsonObject("result").getLong("inserted"));

    JsonObject part = send(HttpMethod.GET, sales, null, "application/json").bodyAsJsonObject(); // 8
    assertEquals("/sales", part.getString("service"));
    assertEquals("POST", part.getString("method"));
    HttpResponse<Buffer> errors = send(HttpMethod.GET, sales, null, "text/csv");              // 9 (an import: its error file)
    assertEquals(200, errors.statusCode());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE,LINE,CAUSE,CAUSE_CODE\n", errors.bodyAsString());

    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,15.00\nB2,S1,1,4,1.00\n", tdx.export("/sales"));
  }

  @Test
  @DisplayName("sales may reference products imported later in the same transaction, and an export part sees the imports before it")
  void referencesInEitherOrderAndExports() {
    String txn = start();
    String sales = part(HttpMethod.POST, "/sales", txn, "SKU,STORE,WEEK,UNITS\nN1,S1,1,10\n");
    String products = part(HttpMethod.POST, "/products", txn, "SKU,PRICE\nN1,1.00\n");
    String export = part(HttpMethod.GET, "/sales", txn, null);
    HttpResponse<Buffer> committed = commit(txn, "{ part_id: ['" + id(sales) + "', '" + id(products) + "', '" + id(export) + "'] }");
    assertEquals(202, committed.statusCode(), committed.bodyAsString());
    assertEquals("COMMITTED", waitFinished(txn).getString("state"));
    HttpResponse<Buffer> csv = send(HttpMethod.GET, export, null, "text/csv");
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nN1,S1,1,10,\n", csv.bodyAsString());
  }

  @Test
  @DisplayName("a failing part leaves the workspace unchanged and the transaction FAILED with the cause")
  void atomicity() {
    tdx.post("/products", ImportTest.PRODUCTS);
    String txn = start();
    String replace = part(HttpMethod.PUT, "/products", txn, "SKU,PRICE\nZ9,9.00\n");
    String bad = part(HttpMethod.POST, "/sales?abort_on_error=true", txn, "SKU,STORE,WEEK,UNITS\nZ9,S1,99,1\n");
    commit(txn, "{\"parts\": [\"" + id(replace) + "\", \"" + id(bad) + "\"]}");
    JsonObject failed = waitFinished(txn);
    assertEquals("FAILED", failed.getString("state"), failed.encodePrettily());
    assertTrue(failed.getString("cause").contains("part " + id(bad)), failed.getString("cause"));
    assertEquals("FAILED", failed.getJsonArray("parts").getJsonObject(0).getString("state"));
    assertTrue(failed.getJsonArray("parts").getJsonObject(0).getString("error").startsWith("not applied"));
    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"), "the PUT before the failing part was rolled back");
    assertEquals("SKU,STORE,WEEK,UNITS,LINE,CAUSE,CAUSE_CODE\nZ9,S1,99,1,2,WEEK must be in 1..53 (got 99),CHECK_FAILED\n",
      send(HttpMethod.GET, bad, null, "text/csv").bodyAsString());
  }

  @Test
  @DisplayName("rejected rows without abort_on_error do not fail the transaction")
  void rejectedRowsCommit() {
    tdx.post("/products", ImportTest.PRODUCTS);
    String txn = start();
    String replace = part(HttpMethod.PUT, "/products", txn, "SKU,PRICE\nZ9,9.00\n");
    String sales = part(HttpMethod.POST, "/sales", txn, "SKU,STORE,WEEK,UNITS\nZ9,S1,99,1\nZ9,S1,1,1\n");
    commit(txn, "{\"parts\": [\"" + id(replace) + "\", \"" + id(sales) + "\"]}");
    JsonObject done = waitFinished(txn);
    assertEquals("COMMITTED", done.getString("state"), done.encodePrettily());
    assertEquals(1, done.getJsonArray("parts").getJsonObject(1).getJsonObject("result").getLong("rejected"));
    assertEquals("SKU,DESCRIPTION,PRICE\nZ9,,9.00\n", tdx.export("/products"));
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nZ9,S1,1,1,\n", tdx.export("/sales"));
  }

  @Nested
  @DisplayName("misuse answers with the right status and leaves the transaction usable")
  class Misuse {
    @Test
    @DisplayName("unknown transaction 404, unknown part in a commit 400 (still open), repeated commit idempotent, another list 409, part after commit 409, abort after commit 409")
    void misuse() {
      assertEquals(404, send(HttpMethod.GET, "/txn/00000000-0000-0000-0000-000000000000", null, null).statusCode());
      assertEquals(404, send(HttpMethod.POST, "/products?txn=nope", "SKU,PRICE\nA1,1\n", null).statusCode());
      String txn = start();
      String p1 = part(HttpMethod.POST, "/products", txn, "SKU,PRICE\nA1,1\n");
      String duplicate = part(HttpMethod.POST, "/products", txn, "SKU,PRICE\nA1,2\n");
      RequestErrorsTest.problem(commit(txn, "{\"parts\": [\"p99\"]}"), 400, "unknown-part");
      RequestErrorsTest.problem(commit(txn, "not json"), 400, "bad-commit");
      assertEquals("OPEN", send(HttpMethod.GET, txn, null, null).bodyAsJsonObject().getString("state"));
      String list = "{\"parts\": [\"" + id(p1) + "\"]}";
      assertEquals(202, commit(txn, list).statusCode());
      assertEquals(202, commit(txn, list).statusCode(), "a repeated commit answers as the first");
      RequestErrorsTest.problem(commit(txn, "{\"parts\": [\"" + id(duplicate) + "\"]}"), 409, "commit-conflict");
      JsonObject done = waitFinished(txn);
      assertEquals("COMMITTED", done.getString("state"));
      assertEquals("DISCARDED", done.getJsonArray("parts").getJsonObject(1).getString("state"));
      assertEquals("SKU,DESCRIPTION,PRICE\nA1,,1.00\n", tdx.export("/products"), "the unlisted duplicate part did not run");
      RequestErrorsTest.problem(send(HttpMethod.POST, "/products?txn=" + txn.substring(5), "SKU,PRICE\nB2,1\n", null), 409,
        "transaction-not-open");
      RequestErrorsTest.problem(send(HttpMethod.POST, txn + "/abort", null, null), 409, "transaction-not-open");
      RequestErrorsTest.problem(send(HttpMethod.GET, txn + "/p42", null, null), 404, "unknown-part");
    }

    @Test
    @DisplayName("abort discards the parts; commit after abort is 409; the RESTful forms work")
    void abortAndRestful() {
      HttpResponse<Buffer> started = send(HttpMethod.POST, "/txn?async=true", null, null);
      String txn = Locations.path(started.getHeader("Location"));
      String p1 = part(HttpMethod.POST, "/products", txn, "SKU,PRICE\nA1,1\n");
      HttpResponse<Buffer> aborted = send(HttpMethod.DELETE, txn, null, null);
      assertEquals(200, aborted.statusCode());
      assertEquals("ABORTED", aborted.bodyAsJsonObject().getString("state"));
      RequestErrorsTest.problem(send(HttpMethod.PUT, txn, "{\"parts\": [\"" + id(p1) + "\"]}", null), 409, "transaction-not-open");
      assertEquals(303, send(HttpMethod.GET, txn + "/status", null, null).statusCode());
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("the document comes as text, and a browser gets the web console's page for it; GET /txn lists transactions by state")
    void documentsAndListing() {
      String open = start();
      String txn = start();
      String p1 = part(HttpMethod.POST, "/products", txn, "SKU,PRICE\nA1,1\n");
      HttpResponse<Buffer> page = send(HttpMethod.GET, open, null, "text/html");
      assertTrue(page.getHeader("Content-Type").startsWith("text/html"), page.getHeader("Content-Type"));
      assertTrue(page.bodyAsString().contains("<script src=\"/console/console.js\" defer>"), page.bodyAsString());
      assertTrue(page.getHeader("Content-Security-Policy").startsWith("default-src 'self'"));
      commit(txn, "[\"" + id(p1) + "\"]");
      waitFinished(txn);
      String text = send(HttpMethod.GET, txn, null, "text/plain").bodyAsString();
      assertTrue(text.contains("COMMITTED") && text.contains("part p1 POST /products: DONE"), text);
      JsonArray committed = send(HttpMethod.GET, "/txn?state=COMMITTED", null, null).bodyAsJsonObject().getJsonArray("transactions");
      assertEquals(1, committed.size());
      assertEquals(txn.substring(5), committed.getJsonObject(0).getString("id"));
      assertEquals(2, send(HttpMethod.GET, "/txn", null, null).bodyAsJsonObject().getJsonArray("transactions").size());
    }
  }
}
