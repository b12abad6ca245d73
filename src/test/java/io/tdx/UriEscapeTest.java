package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("A % escape that does not decode, in the query or the path, is a 400 problem document")
class UriEscapeTest extends ServerTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "GET, /products?a=%2, bad-parameter",
    "GET, /txn?state=%, bad-parameter",
    "GET, /products?txn=%ZZ, bad-parameter",
    "POST, /products?abort_on_error=%, bad-parameter",
    "POST, /txn/start?async=%4, bad-parameter",
    "GET, /tdx/services?x=%, bad-parameter",
    "GET, /products%2, bad-uri",
    "GET, /txn/%zz, bad-uri",
    "POST, /txn/%/commit, bad-uri",
    "GET, /%, bad-uri",
  })
  void refused(String method, String target, String type) throws Exception {
    RawHttp.Answer answer = RawHttp.exchange(tdx.port(), method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertEquals(400, answer.status(), answer.body());
    assertEquals("application/problem+json", answer.header("Content-Type"));
    JsonObject problem = answer.json();
    assertEquals("urn:tdx:problem:" + type, problem.getString("type"));
    assertEquals(400, problem.getInteger("status"));
    assertTrue(problem.getString("detail").contains("%"), problem.encode());
    // the server goes on serving
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("an HTTP/1.1 request without Host is a 400 problem document too")
  void noHost() throws Exception {
    RawHttp.Answer answer = RawHttp.exchange(tdx.port(), "GET /products HTTP/1.1\r\nConnection: close\r\n\r\n");
    assertEquals(400, answer.status(), answer.body());
    assertEquals("application/problem+json", answer.header("Content-Type"));
    assertEquals("urn:tdx:problem:http-400", answer.json().getString("type"));
    assertTrue(answer.json().getString("detail").contains("Host"), answer.body());
  }
}
