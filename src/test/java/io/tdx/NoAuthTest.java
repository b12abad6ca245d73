package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Without authentication (loopback only): no token needed, but no other site's page and no rebound name gets in")
class NoAuthTest extends ServerTest {

  HttpResponse<Buffer> send(HttpMethod method, String uri, String body, String... headers) {
    HttpRequest<Buffer> request = tdx.request(method, uri);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return TestServer.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  @Test
  @DisplayName("anyone on this machine may import and see every transaction")
  void anyone() {
    assertEquals(200, tdx.post("/products", ImportTest.PRODUCTS).statusCode());
    String txn = tdx.post("/txn/start", "").bodyAsJsonObject().getString("id");
    assertEquals(null, tdx.get("/txn/" + txn).bodyAsJsonObject().getString("principal"));
    assertEquals(200, tdx.post("/tdx/services/reload", "").statusCode());
  }

  @Test
  @DisplayName("a Host that is not a loopback name is refused (DNS rebinding); localhost and 127.0.0.1 pass")
  void rebinding() {
    HttpResponse<Buffer> rebound = send(HttpMethod.GET, "/products", null, "Host", "evil.example:" + tdx.port());
    AuthTest.assertProblem(403, "host-refused", rebound);
    assertEquals(200, send(HttpMethod.GET, "/products", null, "Host", "localhost:" + tdx.port()).statusCode());
    assertEquals(200, send(HttpMethod.GET, "/products", null, "Host", "127.0.0.1:" + tdx.port()).statusCode());
  }

  @Test
  @DisplayName("a page of another site cannot make the browser import: its Origin is refused")
  void crossSite() {
    AuthTest.assertProblem(403, "cross-origin-refused", send(HttpMethod.POST, "/products", ImportTest.PRODUCTS,
      "Origin", "http://localhost:3000"));
    AuthTest.assertProblem(403, "cross-origin-refused", send(HttpMethod.PUT, "/products", ImportTest.PRODUCTS,
      "Origin", "http://127.0.0.1:" + tdx.port(), "Sec-Fetch-Site", "cross-site"));
    assertEquals(200, send(HttpMethod.POST, "/products", ImportTest.PRODUCTS, "Origin", "http://127.0.0.1:" + tdx.port(),
      "Sec-Fetch-Site", "same-origin").statusCode());
  }
}
