package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Bytes that are not UTF-8 are a 400 naming the line and byte, alone or as a transaction's part (never a 500). */
@DisplayName("Invalid UTF-8 is a 400 invalid-utf8, in a request of its own or in a transaction part")
class InvalidUtf8Test extends ServerTest {
  /** Line 3 holds a byte 0xFF, the 20th byte of the body (Jackson counts bytes from 1). */
  static final Buffer BAD = Buffer.buffer("SKU,PRICE\nA1,1.00\nB").appendByte((byte) 0xff).appendString("2,2.00\nC3,3.00\n");
  static final String DETAIL = "line 3: not UTF-8: Invalid UTF-8 start byte 0xff (at char #20, byte #20)";

  HttpResponse<Buffer> send(HttpMethod method, String uri, Buffer body) {
    var request = tdx.request(method, uri).followRedirects(false).putHeader("Accept", "application/json");
    return TestServer.await(body == null ? request.send() : request.sendBuffer(body));
  }

  @Test
  @DisplayName("a request of its own: 400 naming the line and the byte, nothing written")
  void single() {
    JsonObject problem = RequestErrorsTest.problem(send(HttpMethod.POST, "/products", BAD), 400, "invalid-utf8");
    assertEquals(3, problem.getLong("line"));
    assertTrue(problem.getString("detail").startsWith(DETAIL), problem.encode());
    RequestErrorsTest.problem(send(HttpMethod.POST, "/products", Buffer.buffer(new byte[] {'S', (byte) 0xc3, 'K'})), 400,
      "invalid-utf8");
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("an asynchronous part: the part FAILED with status 400 and the error, the transaction FAILED naming the part")
  void asyncPart() {
    String txn = Locations.path(send(HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location"));
    String good = Locations.path(send(HttpMethod.POST, "/products?txn=" + txn.substring(5), Buffer.buffer("SKU,PRICE\nG1,1\n")).getHeader("Location"));
    String bad = Locations.path(send(HttpMethod.POST, "/products?txn=" + txn.substring(5), BAD).getHeader("Location"));
    String list = new JsonObject().put("parts", new JsonArray().add(id(good)).add(id(bad))).encode();
    assertEquals(202, send(HttpMethod.POST, txn + "/commit", Buffer.buffer(list)).statusCode());
    assertEquals(303, send(HttpMethod.GET, txn + "/poll?wait=30", null).statusCode());
    JsonObject document = send(HttpMethod.GET, txn, null).bodyAsJsonObject();
    assertEquals("FAILED", document.getString("state"), document.encodePrettily());
    assertTrue(document.getString("cause").startsWith("part " + id(bad) + " (POST /products) failed: " + DETAIL),
      document.getString("cause"));
    JsonObject failed = document.getJsonArray("parts").getJsonObject(1);
    assertEquals("FAILED", failed.getString("state"));
    assertEquals(400, failed.getInteger("status"));
    assertTrue(failed.getString("error").startsWith(DETAIL), failed.getString("error"));
    JsonObject sibling = document.getJsonArray("parts").getJsonObject(0);
    assertEquals(424, sibling.getInteger("status"));
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a synchronous part: it gets its 400 problem, its sibling 424, the commit 409; nothing written")
  void syncPart() {
    String txn = Locations.path(tdx.post("/txn/start", "").getHeader("Location")).substring(5);
    Future<HttpResponse<Buffer>> good = tdx.client().request(HttpMethod.POST, "/products?txn=" + txn)
      .sendBuffer(Buffer.buffer("SKU,PRICE\nG1,1\n"));
    Future<HttpResponse<Buffer>> bad = tdx.client().request(HttpMethod.POST, "/products?txn=" + txn).sendBuffer(BAD);
    Future<HttpResponse<Buffer>> commit = tdx.client().request(HttpMethod.POST, "/txn/" + txn + "/commit?count=2").send();
    TestServer.await(Future.join(good, bad, commit));
    JsonObject problem = RequestErrorsTest.problem(bad.result(), 400, "part-failed");
    assertTrue(problem.getString("detail").startsWith(DETAIL), problem.encode());
    RequestErrorsTest.problem(good.result(), 424, "failed-dependency");
    JsonObject outcome = RequestErrorsTest.problem(commit.result(), 409, "transaction-failed");
    assertEquals("FAILED", outcome.getJsonObject("transaction").getString("state"));
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  static String id(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }
}
