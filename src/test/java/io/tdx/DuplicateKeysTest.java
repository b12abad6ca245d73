package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A small body with a great many rows of one key (a "duplicate-key bomb"): every such row is
 * rejected with a cause of bounded length, in bounded time, while other clients' imports go on.
 */
@DisplayName("Duplicate keys are reported with bounded text, whatever their number")
class DuplicateKeysTest extends ServerTest {
  static final int ROWS = 20_000;
  static final long BOUND_MILLIS = 30_000;

  /** {@code rows} rows of {@code keys} distinct keys, key {@code i % keys} on data row {@code i}. */
  static String products(int rows, int keys) {
    StringBuilder csv = new StringBuilder("SKU,PRICE\n");
    for (int i = 0; i < rows; i++) {
      csv.append('K').append(i % keys).append(",1.00\n");
    }
    return csv.toString();
  }

  Future<HttpResponse<Buffer>> sendGzip(String uri, String csv) {
    return tdx.request(HttpMethod.POST, uri).putHeader("Content-Encoding", "gzip")
      .sendBuffer(Buffer.buffer(RequestErrorsTest.gzip(csv)));
  }

  /** The error file's data lines (header dropped), checking each names its line and a short cause. */
  static List<String> errorLines(HttpResponse<Buffer> response) {
    String[] lines = response.bodyAsString().split("\n");
    assertEquals("SKU,PRICE,LINE,CAUSE,CAUSE_CODE", lines[0]);
    List<String> rows = List.of(lines).subList(1, lines.length);
    for (String row : rows) {
      assertTrue(row.length() < 200, () -> "a long error line: " + row.substring(0, Math.min(row.length(), 300)));
      assertTrue(row.endsWith(",DUPLICATE_KEY"), row);
    }
    return rows;
  }

  @Test
  @DisplayName("20,000 gzipped rows of one key: 200, every row rejected with a short cause naming the first lines and the count")
  void oneKey() {
    byte[] body = RequestErrorsTest.gzip(products(ROWS, 1));
    assertTrue(body.length < 1000, "the bomb is small: " + body.length);
    long start = System.nanoTime();
    HttpResponse<Buffer> response = TestServer.await(sendGzip("/products", products(ROWS, 1)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertTrue(millis < BOUND_MILLIS, "took " + millis + " ms");
    assertEquals(String.valueOf(ROWS), response.getHeader("TDX-Rows-Rejected"));
    assertEquals("0", response.getHeader("TDX-Rows-Inserted"));
    List<String> rows = errorLines(response);
    assertEquals(ROWS, rows.size());
    String cause = "\"key (SKU) appears on lines 2, 3, 4, 5, 6 and 19995 more\",DUPLICATE_KEY";
    assertEquals("K0,1.00,2," + cause, rows.get(0));
    assertEquals("K0,1.00," + (ROWS + 1) + "," + cause, rows.get(ROWS - 1));
    assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("with abort_on_error=true it is a 422 with the same bounded error file, and a JSON summary stays small")
  void abortAndJson() {
    HttpResponse<Buffer> aborted = TestServer.await(sendGzip("/products?abort_on_error=true", products(ROWS, 1)));
    assertEquals(422, aborted.statusCode());
    assertEquals(ROWS, errorLines(aborted).size());
    HttpResponse<Buffer> json = TestServer.await(tdx.request(HttpMethod.POST, "/products")
      .putHeader("Content-Encoding", "gzip").putHeader("Accept", "application/json")
      .sendBuffer(Buffer.buffer(RequestErrorsTest.gzip(products(ROWS, 1)))));
    assertEquals(200, json.statusCode());
    assertTrue(json.body().length() < 4096, "summary of " + json.body().length() + " bytes");
    JsonObject summary = json.bodyAsJsonObject();
    assertEquals(ROWS, summary.getLong("rejected"));
    JsonObject first = summary.getJsonArray("errors").getJsonObject(0);
    assertEquals("key (SKU) appears on lines 2, 3, 4, 5, 6 and 19995 more", first.getString("cause"));
    assertEquals("DUPLICATE_KEY", first.getString("causeCode"));
  }

  @Test
  @DisplayName("many distinct duplicated keys: each row names its own key's lines; unique keys beside them are imported")
  void manyKeys() {
    int keys = ROWS / 2;
    String csv = products(ROWS, keys) + "U1,2.00\n";
    HttpResponse<Buffer> response = TestServer.await(sendGzip("/products", csv));
    assertEquals(200, response.statusCode());
    assertEquals(String.valueOf(ROWS), response.getHeader("TDX-Rows-Rejected"));
    assertEquals("1", response.getHeader("TDX-Rows-Inserted"));
    List<String> rows = errorLines(response);
    assertEquals(ROWS, rows.size());
    assertEquals("K7,1.00,9,\"key (SKU) appears on lines 9, " + (keys + 9) + "\",DUPLICATE_KEY", rows.get(7));
    assertEquals("SKU,DESCRIPTION,PRICE\nU1,,2.00\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("while bombs repeat, well-formed imports of another client all succeed")
  void otherClientsUnaffected() {
    List<Future<HttpResponse<Buffer>>> bombs = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> imports = new ArrayList<>();
    String bomb = products(ROWS, 1);
    for (int i = 0; i < 4; i++) {
      bombs.add(sendGzip("/products", bomb));
    }
    for (int i = 0; i < 20; i++) {
      imports.add(tdx.request(HttpMethod.POST, "/products").sendBuffer(Buffer.buffer("SKU,PRICE\nG" + i + ",1.00\n")));
    }
    long start = System.nanoTime();
    for (Future<HttpResponse<Buffer>> answer : imports) {
      HttpResponse<Buffer> response = TestServer.await(answer);
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("1", response.getHeader("TDX-Rows-Inserted"));
    }
    for (Future<HttpResponse<Buffer>> answer : bombs) {
      HttpResponse<Buffer> response = TestServer.await(answer);
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals(String.valueOf(ROWS), response.getHeader("TDX-Rows-Rejected"));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 2 * BOUND_MILLIS, "took " + millis + " ms");
    assertEquals(21, tdx.export("/products").split("\n").length);
  }
}
