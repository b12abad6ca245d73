package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** NUL (U+0000) cannot be stored in any value (PostgreSQL's text cannot hold it): such rows are rejected one by one. */
@DisplayName("A value holding a NUL character is rejected row by row as INVALID_VALUE")
class NulValuesTest extends ServerTest {

  @Test
  @DisplayName("NUL in a key, in a string column or in a typed column rejects that row only, naming the column and position")
  void rejectedRowByRow() {
    HttpResponse<Buffer> response = tdx.await(tdx.request(HttpMethod.POST, "/products")
      .putHeader("Accept", "application/json")
      .sendBuffer(Buffer.buffer("SKU,DESCRIPTION,PRICE\nA\u0000B,x,1\nC1,a\u0000,2\nD1,ok,3\nE1,ok,4\u0000\n")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject summary = response.bodyAsJsonObject();
    assertEquals(1, summary.getLong("inserted"));
    assertEquals(3, summary.getLong("rejected"));
    String nul = "a NUL character (U+0000) at position ";
    assertEquals("SKU: " + nul + "2 cannot be stored", cause(summary, 0, 2));
    assertEquals("DESCRIPTION: " + nul + "2 cannot be stored", cause(summary, 1, 3));
    assertEquals("PRICE: " + nul + "2 cannot be stored", cause(summary, 2, 5));
    assertEquals("SKU,DESCRIPTION,PRICE\nD1,ok,3.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("a DELETE of a key with NUL is rejected too, and deletes nothing; abort_on_error makes it a 422")
  void delete() {
    tdx.post("/products", "SKU,PRICE\nA,1\n");
    HttpResponse<Buffer> response = tdx.delete("/products", "SKU\nA\u0000\n");
    assertEquals(200, response.statusCode());
    assertEquals("SKU,LINE,CAUSE,CAUSE_CODE\nA\u0000,2,SKU: a NUL character (U+0000) at position 2 cannot be stored,INVALID_VALUE\n",
      response.bodyAsString());
    assertEquals(422, tdx.post("/products?abort_on_error=true", "SKU,PRICE\n\u0000,1\n").statusCode());
    assertEquals("SKU,DESCRIPTION,PRICE\nA,,1.00\n", tdx.export("/products"));
  }

  static String cause(JsonObject summary, int index, long line) {
    JsonObject error = summary.getJsonArray("errors").getJsonObject(index);
    assertEquals(line, error.getLong("line"));
    assertEquals("INVALID_VALUE", error.getString("causeCode"));
    return error.getString("cause");
  }
}
