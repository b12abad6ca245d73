package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Generic asynchronous requests: lb_async=true on any single import or export (LogicBlox 4.3.16)")
class LbAsyncTest extends ServerTest {
  static final String REJECTING = "SKU,PRICE\nA1,1.00\nB2,-1\nC3,3\n";

  HttpResponse<Buffer> send(HttpMethod method, String uri, String body, String... headers) {
    HttpRequest<Buffer> request = tdx.request(method, uri).followRedirects(false);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return TestServer.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  /** Sends the request with lb_async=true, checks the 202, and returns the polling URL. */
  String accepted(HttpMethod method, String uri, String body, String... headers) {
    HttpResponse<Buffer> accepted = send(method, uri + (uri.contains("?") ? "&" : "?") + "lb_async=true", body, headers);
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    String location = accepted.getHeader("Location");
    String id = accepted.bodyAsJsonObject().getString("lb_async_id");
    assertEquals("http://127.0.0.1:" + tdx.port() + "/tdx/async?lb_async_id=" + id, location);
    return location;
  }

  /** Polls until the 303 and returns the response URL. */
  String done(String polling) {
    HttpResponse<Buffer> poll = send(HttpMethod.GET, Locations.path(polling) + "&wait=60", null);
    assertEquals(303, poll.statusCode(), poll.bodyAsString());
    String response = poll.getHeader("Location");
    assertTrue(response.startsWith("http://127.0.0.1:" + tdx.port() + "/tdx/async/response?lb_async_id="), response);
    return response;
  }

  @Test
  @DisplayName("an import: 202 with the polling URL, 303 once done, and the response is what the synchronous request answers")
  void importAnswersAsSynchronously() {
    String polling = accepted(HttpMethod.POST, "/products", REJECTING);
    HttpResponse<Buffer> answer = send(HttpMethod.GET, Locations.path(done(polling)), null);
    HttpResponse<Buffer> synchronous = tdx.post("/products", REJECTING.replace("A1", "X1").replace("C3", "Y3"));
    assertEquals(synchronous.statusCode(), answer.statusCode());
    for (String header : new String[] {"Content-Type", "TDX-Rows-Read", "TDX-Rows-Inserted", "TDX-Rows-Updated", "TDX-Rows-Rejected"}) {
      assertEquals(synchronous.getHeader(header), answer.getHeader(header), header);
    }
    assertEquals(synchronous.bodyAsString(), answer.bodyAsString());
    assertEquals("SKU,PRICE,LINE,CAUSE,CAUSE_CODE\nB2,-1,3,PRICE must be >= 0 (got -1),CHECK_FAILED\n", answer.bodyAsString());
    // asked again, the same
    assertEquals(answer.bodyAsString(), send(HttpMethod.GET, Locations.path(done(polling)), null).bodyAsString());
  }

  @Test
  @DisplayName("the request's own Accept and return_errors shape the answer, as they would have synchronously")
  void answersAsTheRequestAsked() {
    String json = accepted(HttpMethod.POST, "/products", REJECTING, "Accept", "application/json");
    JsonObject summary = send(HttpMethod.GET, Locations.path(done(json)), null).bodyAsJsonObject();
    JsonObject synchronous = TestServer.await(tdx.request(HttpMethod.POST, "/products").putHeader("Accept", "application/json")
      .sendBuffer(Buffer.buffer(REJECTING.replace("A1", "X1").replace("C3", "Y3")))).bodyAsJsonObject();
    assertEquals(synchronous.fieldNames(), summary.fieldNames());
    assertEquals(synchronous.getLong("rejected"), summary.getLong("rejected"));

    String never = accepted(HttpMethod.PUT, "/products?return_errors=0", REJECTING);
    HttpResponse<Buffer> text = send(HttpMethod.GET, Locations.path(done(never)), null);
    assertEquals("PUT /products: 3 rows read, 0 inserted, 2 updated, 2 deleted, 1 rejected\n", text.bodyAsString());

    String aborted = accepted(HttpMethod.POST, "/products?abort_on_error=true", "SKU,PRICE\nZ9,-5\n");
    HttpResponse<Buffer> refused = send(HttpMethod.GET, Locations.path(done(aborted)), null);
    assertEquals(422, refused.statusCode(), refused.bodyAsString());
    assertEquals("SKU,PRICE,LINE,CAUSE,CAUSE_CODE\nZ9,-5,2,PRICE must be >= 0 (got -5),CHECK_FAILED\n", refused.bodyAsString());
  }

  @Test
  @DisplayName("an export: the response is the exported CSV, gzip when asked")
  void exportAnswersTheCsv() throws Exception {
    tdx.post("/products", ImportTest.PRODUCTS);
    String polling = accepted(HttpMethod.GET, "/products", null);
    String response = Locations.path(done(polling));
    assertEquals(tdx.export("/products"), send(HttpMethod.GET, response, null).bodyAsString());
    RawHttp.Answer gzip = RawHttp.exchange(tdx.port(), "GET " + response + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n");
    assertEquals(200, gzip.status());
    assertEquals("gzip", gzip.header("Content-Encoding"));
  }

  @Test
  @DisplayName("DELETE of the response URL (with LogicBlox's X-HTTP-Method-Override=GET) frees it: record and result go")
  void deleteFrees() {
    String polling = accepted(HttpMethod.POST, "/products", REJECTING);
    String response = Locations.path(done(polling));
    String id = response.substring(response.indexOf('=') + 1);
    HttpResponse<Buffer> freed = send(HttpMethod.DELETE, response + "&X-HTTP-Method-Override=GET", null);
    assertEquals(200, freed.statusCode(), freed.bodyAsString());
    RequestErrorsTest.problem(send(HttpMethod.GET, response, null), 404, "unknown-async-request");
    RequestErrorsTest.problem(send(HttpMethod.GET, Locations.path(polling), null), 404, "unknown-async-request");
    RequestErrorsTest.problem(send(HttpMethod.DELETE, response, null), 404, "unknown-async-request");
    assertEquals(404, tdx.get("/txn/" + id).statusCode(), "its record is gone too");
    assertEquals(java.util.List.of(), TxnMemoryTest.files(tdx.dataDir().resolve("results")), "its error file is gone");
  }

  @Test
  @DisplayName("DELETE of the polling URL aborts a request still running: nothing written, the response says so")
  void deletePollingAborts() {
    String rows = IntStream.range(0, 600_000).mapToObj(i -> "K" + i + ",1.00").collect(Collectors.joining("\n", "SKU,PRICE\n", "\n"));
    String polling = accepted(HttpMethod.POST, "/products", rows);
    HttpResponse<Buffer> aborting = send(HttpMethod.DELETE, Locations.path(polling), null);
    assertEquals(200, aborting.statusCode(), aborting.bodyAsString());
    HttpResponse<Buffer> answer = send(HttpMethod.GET, Locations.path(done(polling)), null);
    JsonObject problem = RequestErrorsTest.problem(answer, 409, "request-aborted");
    assertTrue(problem.getString("detail").contains("DELETE of the polling URL"), problem.encode());
    // the body was received before the 202, so its job had started (or was queued): it stopped at a read
    assertTrue(problem.getString("detail").contains("it stopped while it ran and nothing was written"), problem.encode());
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    // once finished, the polling URL is no longer the way to end it
    RequestErrorsTest.problem(send(HttpMethod.DELETE, Locations.path(polling), null), 409, "request-finished");
  }

  @Test
  @DisplayName("results survive a restart, from the records and the result store")
  void surviveRestart() {
    String polling = accepted(HttpMethod.POST, "/products", REJECTING);
    String response = Locations.path(done(polling));
    String before = send(HttpMethod.GET, response, null).bodyAsString();
    tdx.restart();
    HttpResponse<Buffer> after = send(HttpMethod.GET, response, null);
    assertEquals(200, after.statusCode(), after.bodyAsString());
    assertEquals(before, after.bodyAsString());
    assertEquals("3", after.getHeader("TDX-Rows-Read"));
  }

  @Test
  @DisplayName("misuse: lb_async on a transaction part, an unknown id, a plain transaction's id, the response before it is done")
  void misuse() {
    String txn = tdx.post("/txn/start?async=true", "").bodyAsJsonObject().getString("id");
    RequestErrorsTest.problem(tdx.post("/products?txn=" + txn + "&lb_async=true", "SKU,PRICE\nA,1\n"), 400, "bad-parameter");
    RequestErrorsTest.problem(send(HttpMethod.GET, "/tdx/async?lb_async_id=nope", null), 404, "unknown-async-request");
    RequestErrorsTest.problem(send(HttpMethod.GET, "/tdx/async", null), 400, "missing-parameter");
    tdx.post("/products?txn=" + txn, "SKU,PRICE\nA,1\n");
    RequestErrorsTest.problem(send(HttpMethod.GET, "/tdx/async/response?lb_async_id=" + txn, null), 404, "unknown-async-request");
    RequestErrorsTest.problem(tdx.post("/products?lb_async=maybe", "SKU,PRICE\nA,1\n"), 400, "bad-parameter");
  }
}
