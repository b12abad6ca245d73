package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Transactions as LogicBlox's Python client drives them (issue 15, part 2)")
class LogicBloxClientTest extends ServerTest {

  String startAsync() {
    HttpResponse<Buffer> started = tdx.post("/txn/start?async=true", "");
    assertEquals(201, started.statusCode(), started.bodyAsString());
    return started.bodyAsJsonObject().getString("id");
  }

  String part(String txn, HttpMethod method, String service, String body) {
    HttpResponse<Buffer> part = tdx.send(method, service + (service.contains("?") ? "&" : "?") + "txn=" + txn, body);
    assertEquals(201, part.statusCode(), part.bodyAsString());
    return part.bodyAsJsonObject().getString("id");
  }

  JsonObject finish(String txn) {
    HttpResponse<Buffer> poll = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn + "/poll?wait=60").followRedirects(false).send());
    assertEquals(303, poll.statusCode(), poll.bodyAsString());
    return tdx.get("/txn/" + txn).bodyAsJsonObject();
  }

  @Test
  @DisplayName("parts run in the order the server received them, whatever the order of the commit's list; the list chooses")
  void receivedOrder() {
    String txn = startAsync();
    String imported = part(txn, HttpMethod.POST, "/products", "SKU,PRICE\nA1,1.00\nB2,2.00\n");
    String skipped = part(txn, HttpMethod.POST, "/products", "SKU,PRICE\nZZ,9.00\n");
    String exported = part(txn, HttpMethod.GET, "/products", "");
    // the client builds its list from a set: the export first, an import it must still see after it
    HttpResponse<Buffer> commit = tdx.post("/txn/" + txn + "/commit", "{\"parts\": [\"" + exported + "\", \"" + imported + "\"]}");
    assertEquals(202, commit.statusCode(), commit.bodyAsString());
    JsonObject done = finish(txn);
    assertEquals("COMMITTED", done.getString("state"), done.encodePrettily());
    assertEquals("DISCARDED", done.getJsonArray("parts").getJsonObject(1).getString("state"));
    assertEquals(skipped, done.getJsonArray("parts").getJsonObject(1).getString("id"));
    HttpResponse<Buffer> csv = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn + "/" + exported)
      .putHeader("Accept", "text/csv").send());
    assertEquals("SKU,DESCRIPTION,PRICE\nA1,,1.00\nB2,,2.00\n", csv.bodyAsString(), "the export ran after the import it was listed before");
    // the same commit again, listed in another order, is the same commit
    HttpResponse<Buffer> again = tdx.post("/txn/" + txn + "/commit", "{\"parts\": [\"" + imported + "\", \"" + exported + "\"]}");
    assertEquals(202, again.statusCode(), again.bodyAsString());
  }

  @Test
  @DisplayName("an asynchronous commit's count is not checked against its list (the client counts refused parts too)")
  void asyncCountNotChecked() {
    String txn = startAsync();
    String p1 = part(txn, HttpMethod.POST, "/products", "SKU,PRICE\nC3,3.00\n");
    HttpResponse<Buffer> refused = tdx.post("/products?txn=" + txn + "&colour=red", "SKU,PRICE\nX,1\n");
    assertEquals(400, refused.statusCode(), refused.bodyAsString());
    HttpResponse<Buffer> commit = tdx.post("/txn/" + txn + "/commit?count=2", "{\"parts\": [\"" + p1 + "\"]}");
    assertEquals(202, commit.statusCode(), commit.bodyAsString());
    assertEquals("COMMITTED", finish(txn).getString("state"));
    assertEquals("SKU,DESCRIPTION,PRICE\nC3,,3.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a synchronous count=0 is a problem document that says what is wrong, and the transaction stays open")
  void syncCountZero() {
    HttpResponse<Buffer> started = tdx.post("/txn/start", "");
    String txn = started.bodyAsJsonObject().getString("id");
    JsonObject problem = RequestErrorsTest.problem(tdx.post("/txn/" + txn + "/commit?count=0", ""), 400, "bad-count");
    assertTrue(problem.getString("detail").contains("count=0") && problem.getString("detail").contains("at least 1"), problem.encode());
    assertEquals(0, problem.getInteger("count"));
    assertEquals("OPEN", tdx.get("/txn/" + txn).bodyAsJsonObject().getString("state"));
  }

  @Test
  @DisplayName("GET /txn/ID/PART_ID with Accept: text/plain describes the part in text")
  void partAsText() {
    String txn = startAsync();
    String p1 = part(txn, HttpMethod.POST, "/products", "SKU,PRICE\nD4,4.00\nE5,-1\n");
    tdx.post("/txn/" + txn + "/commit", "{\"parts\": [\"" + p1 + "\"]}");
    finish(txn);
    HttpResponse<Buffer> text = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn + "/" + p1)
      .putHeader("Accept", "text/plain").send());
    assertEquals(200, text.statusCode());
    assertEquals("text/plain; charset=utf-8", text.getHeader("Content-Type"));
    assertEquals("part " + p1 + " of transaction " + txn + ": DONE\n"
      + "  request   POST /products\n"
      + "  bytes     24 received\n"
      + "  status    200\n"
      + "  result    2 read, 1 inserted, 0 updated, 0 deleted, 1 rejected\n", text.bodyAsString());
  }

  @Test
  @DisplayName("Location headers are absolute URLs built from the request")
  void absoluteLocations() throws Exception {
    String base = "http://127.0.0.1:" + tdx.port();
    HttpResponse<Buffer> started = tdx.post("/txn/start?async=true", "");
    String txn = started.bodyAsJsonObject().getString("id");
    assertEquals(base + "/txn/" + txn, started.getHeader("Location"));
    HttpResponse<Buffer> part = tdx.post("/products?txn=" + txn, "SKU,PRICE\nF6,6\n");
    assertEquals(base + "/txn/" + txn + "/p1", part.getHeader("Location"));
    HttpResponse<Buffer> commit = tdx.post("/txn/" + txn + "/commit", "{\"parts\": [\"p1\"]}");
    assertEquals(base + "/txn/" + txn + "/status", commit.getHeader("Location"));
    HttpResponse<Buffer> poll = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn + "/poll?wait=60").followRedirects(false).send());
    assertEquals(base + "/txn/" + txn, poll.getHeader("Location"));
    // the Host the client used names the server
    RawHttp.Answer named = RawHttp.exchange(tdx.port(), "POST /txn/start?async=true HTTP/1.1\r\nHost: localhost:8080\r\n"
      + "Content-Length: 0\r\nConnection: close\r\n\r\n");
    assertEquals(201, named.status(), named.body());
    assertEquals("http://localhost:8080/txn/" + named.json().getString("id"), named.header("Location"));
    RawHttp.Answer v6 = RawHttp.exchange(tdx.port(), "POST /txn/start?async=true HTTP/1.1\r\nHost: [::1]:8443\r\n"
      + "Content-Length: 0\r\nConnection: close\r\n\r\n");
    assertEquals("http://[::1]:8443/txn/" + v6.json().getString("id"), v6.header("Location"));
    // without a trusted proxy, forwarded headers are ignored
    HttpResponse<Buffer> forged = TestServer.await(tdx.request(HttpMethod.POST, "/txn/start?async=true")
      .putHeader("X-Forwarded-Proto", "https").putHeader("X-Forwarded-Host", "evil.example").send());
    assertTrue(forged.getHeader("Location").startsWith(base + "/txn/"), forged.getHeader("Location"));
  }

  @Test
  @DisplayName("behind a trusted proxy (http.trustProxy), Location follows Forwarded or X-Forwarded-*")
  void forwardedLocations(@TempDir Path other) {
    try (TestServer behind = TestServer.start(other, config -> {
      config.getJsonObject("http").put("trustProxy", "all");
      return config;
    })) {
      HttpResponse<Buffer> xForwarded = TestServer.await(behind.request(HttpMethod.POST, "/txn/start?async=true")
        .putHeader("X-Forwarded-Proto", "https").putHeader("X-Forwarded-Host", "tdx.example.com").send());
      assertEquals("https://tdx.example.com/txn/" + xForwarded.bodyAsJsonObject().getString("id"), xForwarded.getHeader("Location"));
      HttpResponse<Buffer> forwarded = TestServer.await(behind.request(HttpMethod.POST, "/txn/start?async=true")
        .putHeader("Forwarded", "proto=https;host=\"data.example.com:8443\"").send());
      assertEquals("https://data.example.com:8443/txn/" + forwarded.bodyAsJsonObject().getString("id"), forwarded.getHeader("Location"));
    }
  }
}
