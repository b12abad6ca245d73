package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Past limits.maxInFlight new work is refused at once with 503 and Retry-After; accepted work finishes; places come back")
class InFlightBoundTest extends ServerTest {
  private static final String HEAD = "SKU,PRICE\n";

  @Override
  JsonObject configure(JsonObject config) {
    config.getJsonObject("workspace").put("workers", 2);
    config.getJsonObject("limits").put("maxInFlight", 2);
    return config;
  }

  /**
   * An import (one-shot, or a part with {@code ?txn=}) whose body is sent only in part: it holds a
   * place until it is finished or dropped. It asks {@code Expect: 100-continue}, so once the 100
   * is read the place is surely taken.
   */
  private RawHttp slowImport(String target, String row, String rest) throws IOException {
    RawHttp http = new RawHttp(tdx.port(), 30_000);
    String body = HEAD + row;
    http.write("POST " + target + " HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: "
      + (body.length() + rest.length()) + "\r\n\r\n");
    RawHttp.Answer interim = http.read();
    assertEquals(100, interim.status(), interim.head());
    http.write(body);
    return http;
  }

  private static void finish(RawHttp http, String rest, int status) throws IOException {
    RawHttp.Answer answer = http.write(rest).read();
    assertEquals(status, answer.status(), answer.body());
  }

  /** With the bound taken, a new transaction is refused. */
  private HttpResponse<Buffer> refusedStart() {
    HttpResponse<Buffer> start = tdx.send(HttpMethod.POST, "/txn/start", "");
    assertEquals(503, start.statusCode(), start.bodyAsString());
    return start;
  }

  private String startAsync() {
    HttpResponse<Buffer> started = tdx.send(HttpMethod.POST, "/txn/start?async=true", "");
    assertEquals(201, started.statusCode(), started.bodyAsString());
    return Locations.path(started.getHeader("Location"));
  }

  @Test
  @DisplayName("new work is refused before its body is read while accepted work finishes")
  void newWork() throws Exception {
    try (RawHttp a = slowImport("/products", "A1,1\n", "A2,2\n"); RawHttp b = slowImport("/products", "B1,1\n", "B2,2\n")) {
      HttpResponse<Buffer> refused = refusedStart();
      JsonObject problem = RequestErrorsTest.problem(refused, 503, "overloaded");
      assertEquals("1", refused.getHeader("Retry-After"));
      assertTrue(problem.getString("detail").contains("limits.maxInFlight"), problem.encode());

      // answered at once, without its body being sent; the connection is not reused
      long t0 = System.nanoTime();
      RawHttp.Answer shed = RawHttp.exchange(tdx.port(), "POST /products HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n");
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "the refusal waited");
      assertEquals(503, shed.status(), shed.body());
      assertEquals("1", shed.header("Retry-After"));
      assertEquals("close", shed.header("Connection"));
      assertEquals("urn:tdx:problem:overloaded", shed.json().getString("type"));
      assertEquals(503, tdx.get("/products").statusCode());
      // reads are not work
      assertEquals(200, tdx.get("/txn").statusCode());

      finish(a, "A2,2\n", 200);
      finish(b, "B2,2\n", 200);
    }
    assertEquals("SKU,DESCRIPTION,PRICE\nA1,,1.00\nA2,,2.00\nB1,,1.00\nB2,,2.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a started transaction holds a place; its parts go on to twice the bound; every place comes back")
  void startedTransactions() throws Exception {
    String t1 = startAsync();
    String t2 = startAsync();
    refusedStart();
    RequestErrorsTest.problem(tdx.post("/products", HEAD + "X1,1\n"), 503, "overloaded");
    try (RawHttp p1 = slowImport("/products?txn=" + t1.substring(5), "T1,1\n", "T1B,2\n");
         RawHttp p2 = slowImport("/products?txn=" + t2.substring(5), "T2,1\n", "T2B,2\n")) {
      // two transactions and two parts on their way: twice the bound
      JsonObject problem = RequestErrorsTest.problem(tdx.post("/sales?txn=" + t1.substring(5), "SKU,STORE,WEEK,UNITS\nT1,S,1,1\n"),
        503, "overloaded");
      assertTrue(problem.getString("detail").contains("twice"), problem.encode());
      assertEquals(200, tdx.get(t1).statusCode());
      finish(p1, "T1B,2\n", 201);
      finish(p2, "T2B,2\n", 201);
    }
    assertEquals(202, tdx.send(HttpMethod.POST, t1 + "/commit", "{\"parts\": [\"p1\"]}").statusCode());
    assertEquals(202, tdx.send(HttpMethod.POST, t2 + "/commit", "{\"parts\": [\"p1\"]}").statusCode());
    assertEquals("COMMITTED", committed(t1));
    assertEquals("COMMITTED", committed(t2));
    assertEquals("SKU,DESCRIPTION,PRICE\nT1,,1.00\nT1B,,2.00\nT2,,1.00\nT2B,,2.00\n", tdx.export("/products"));

    // every place came back (the 100 Continue of the second import proves it); one dropped mid-body frees its place
    try (RawHttp c = slowImport("/products", "C1,1\n", "C2,2\n")) {
      RawHttp d = slowImport("/products", "D1,1\n", "D2,2\n");
      refusedStart();
      d.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      int status;
      while ((status = tdx.send(HttpMethod.POST, "/txn/start", "").statusCode()) == 503) {
        assertTrue(System.nanoTime() < deadline, "the dropped import never gave its place back");
        Thread.sleep(50);
      }
      assertEquals(201, status);
      finish(c, "C2,2\n", 200);
    }
  }

  private String committed(String txn) {
    HttpResponse<Buffer> polled = tdx.get(txn + "/poll?wait=30"); // the client follows the 303 to the document
    assertEquals(200, polled.statusCode(), polled.bodyAsString());
    return polled.bodyAsJsonObject().getString("state");
  }
}
