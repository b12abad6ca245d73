package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Transaction limits, idle aborts and retention")
class TxnLimitsTest extends ServerTest {

  @Override
  JsonObject configure(JsonObject config) {
    return config.put("http", config.getJsonObject("http").copy().put("instances", 1))
      .put("txn", new JsonObject().put("maxOpen", 2).put("maxParts", 2).put("maxSpoolBytes", 64).put("memoryPartBytes", 0)
        .put("idleTimeoutSeconds", 1).put("retentionSeconds", 2).put("sweepSeconds", 1));
  }

  HttpResponse<Buffer> send(HttpMethod method, String uri, String body) {
    var request = tdx.request(method, uri).followRedirects(false);
    return TestServer.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  @Test
  @DisplayName("past maxOpen, maxParts and maxSpoolBytes the answer is 503 with Retry-After, and nothing accepted is lost")
  void limits() {
    String txn = Locations.path(send(HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location")).substring(5);
    send(HttpMethod.POST, "/txn/start?async=true", null);
    HttpResponse<Buffer> third = send(HttpMethod.POST, "/txn/start?async=true", null);
    RequestErrorsTest.problem(third, 503, "too-many-transactions");
    assertEquals("1", third.getHeader("Retry-After"));

    assertEquals(201, send(HttpMethod.POST, "/products?txn=" + txn, "SKU,PRICE\nA1,1\n").statusCode());
    HttpResponse<Buffer> big = send(HttpMethod.POST, "/products?txn=" + txn, "SKU,PRICE\n" + "B2,2\n".repeat(20));
    RequestErrorsTest.problem(big, 503, "spool-full");
    assertEquals(201, send(HttpMethod.GET, "/products?txn=" + txn, null).statusCode());
    RequestErrorsTest.problem(send(HttpMethod.POST, "/products?txn=" + txn, "SKU,PRICE\nC3,3\n"), 503, "too-many-parts");

    assertEquals(202, send(HttpMethod.POST, "/txn/" + txn + "/commit", "[\"p1\", \"p2\"]").statusCode(),
      "a refused part gets no id: p2 is the export");
    JsonObject done = send(HttpMethod.GET, "/txn/" + txn + "/poll?wait=30", null).statusCode() == 303
      ? send(HttpMethod.GET, "/txn/" + txn, null).bodyAsJsonObject() : null;
    assertEquals("COMMITTED", done.getString("state"), done.encodePrettily());
    assertEquals("DONE", send(HttpMethod.GET, "/txn/" + txn + "/p2", null).bodyAsJsonObject().getString("state"));
    assertEquals("SKU,DESCRIPTION,PRICE\nA1,,1.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("an idle open transaction is aborted with the reason, and a finished one is purged after the retention time")
  void idleAndRetention() throws Exception {
    String txn = Locations.path(send(HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location"));
    Thread.sleep(3000);
    JsonObject aborted = send(HttpMethod.GET, txn, null).bodyAsJsonObject();
    assertEquals("ABORTED", aborted.getString("state"), aborted.encodePrettily());
    assertTrue(aborted.getString("cause").contains("idle for more than 1 s"), aborted.getString("cause"));
    long deadline = System.currentTimeMillis() + 10_000;
    HttpResponse<Buffer> gone = send(HttpMethod.GET, txn, null);
    while (gone.statusCode() == 200 && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      gone = send(HttpMethod.GET, txn, null);
    }
    RequestErrorsTest.problem(gone, 404, "unknown-transaction");
  }
}
