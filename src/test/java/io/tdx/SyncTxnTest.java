package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The synchronous transaction protocol (PROTOCOL.md 3.1)")
class SyncTxnTest extends ServerTest {

  String start() {
    HttpResponse<Buffer> started = tdx.post("/txn/start", "");
    assertEquals(201, started.statusCode(), started.bodyAsString());
    assertEquals(false, started.bodyAsJsonObject().getBoolean("async"));
    return Locations.path(started.getHeader("Location")).substring(5);
  }

  Future<HttpResponse<Buffer>> send(String uri, String body) {
    return tdx.client().request(HttpMethod.POST, uri).sendBuffer(Buffer.buffer(body));
  }

  @Test
  @DisplayName("the seed's interaction: two parts and commit?count=2 in parallel, all answered 200 after the workspace transaction")
  void seedInteraction() {
    String txn = start();                                                                         // 1
    Future<HttpResponse<Buffer>> products = send("/products?txn=" + txn, ImportTest.PRODUCTS);      // 2
    Future<HttpResponse<Buffer>> sales = send("/sales?txn=" + txn, "SKU,STORE,WEEK,UNITS\nA1,S1,1,10\nB2,S1,60,1\n"); // 3
    Future<HttpResponse<Buffer>> commit = send("/txn/" + txn + "/commit?count=2", "");             // 4
    TestServer.await(Future.all(products, sales, commit));

    assertEquals(200, commit.result().statusCode(), commit.result().bodyAsString());
    assertEquals("COMMITTED", commit.result().bodyAsJsonObject().getString("state"));
    assertEquals(200, products.result().statusCode(), products.result().bodyAsString());
    assertEquals("3", products.result().getHeader("TDX-Rows-Inserted"));
    assertEquals("POST /products: 3 rows read, 3 inserted, 0 updated, 0 deleted, 0 rejected\n", products.result().bodyAsString());
    assertEquals(200, sales.result().statusCode());
    assertEquals("1", sales.result().getHeader("TDX-Rows-Rejected"));
    assertEquals("SKU,STORE,WEEK,UNITS,LINE,CAUSE,CAUSE_CODE\nB2,S1,60,1,3,WEEK must be in 1..53 (got 60),CHECK_FAILED\n",
      sales.result().bodyAsString(), "each part is answered with its own result");
    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\nA1,S1,1,10,\n", tdx.export("/sales"));
  }

  @Test
  @DisplayName("a failing part gets its error, its sibling 424 Failed Dependency, the commit the outcome; nothing is written")
  void failure() {
    String txn = start();
    Future<HttpResponse<Buffer>> products = send("/products?txn=" + txn, ImportTest.PRODUCTS);
    Future<HttpResponse<Buffer>> sales = send("/sales?txn=" + txn + "&abort_on_error=true", "SKU,STORE,WEEK,UNITS\nA1,S1,60,1\n");
    Future<HttpResponse<Buffer>> commit = send("/txn/" + txn + "/commit?count=2", "");
    TestServer.await(Future.join(products, sales, commit));
    assertEquals(422, sales.result().statusCode(), sales.result().bodyAsString());
    assertTrue(sales.result().bodyAsString().contains("CHECK_FAILED"));
    JsonObject dependency = RequestErrorsTest.problem(products.result(), 424, "failed-dependency");
    assertTrue(dependency.getString("detail").startsWith("not applied"), dependency.encode());
    JsonObject outcome = RequestErrorsTest.problem(commit.result(), 409, "transaction-failed");
    assertEquals("FAILED", outcome.getJsonObject("transaction").getString("state"));
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a client that drops a held part aborts the transaction, and the commit says so")
  void droppedPart() throws Exception {
    String txn = start();
    try (Socket part = new Socket("127.0.0.1", tdx.port())) {
      String body = "SKU,PRICE\nA1,1\n";
      OutputStream out = part.getOutputStream();
      out.write(("POST /products?txn=" + txn + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread.sleep(300); // spooled and held
    }
    Thread.sleep(300);
    JsonObject document = tdx.get("/txn/" + txn).bodyAsJsonObject();
    assertEquals("ABORTED", document.getString("state"), document.encodePrettily());
    assertTrue(document.getString("cause").contains("closed its connection"), document.getString("cause"));
    RequestErrorsTest.problem(TestServer.await(send("/txn/" + txn + "/commit?count=1", "")), 409, "transaction-not-open");
  }

  @Test
  @DisplayName("an export part is answered with the CSV it exported, seeing the import before it")
  void exportPart() throws Exception {
    String txn = start();
    Future<HttpResponse<Buffer>> products = send("/products?txn=" + txn, "SKU,PRICE\nA1,1\n");
    Thread.sleep(200); // the parts run in the order they arrive
    Future<HttpResponse<Buffer>> export = tdx.client().request(HttpMethod.GET, "/products?txn=" + txn).send();
    Thread.sleep(200);
    Future<HttpResponse<Buffer>> commit = send("/txn/" + txn + "/commit?count=2", "");
    TestServer.await(Future.all(products, export, commit));
    assertEquals(200, export.result().statusCode(), export.result().bodyAsString());
    assertEquals("text/csv; charset=utf-8", export.result().getHeader("Content-Type"));
    assertEquals("SKU,DESCRIPTION,PRICE\nA1,,1.00\n", export.result().bodyAsString());
  }
}
