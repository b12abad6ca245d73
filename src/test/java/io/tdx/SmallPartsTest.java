package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Small part bodies are held in memory (txn.memoryPartBytes each, txn.maxMemoryBytes in all);
 * any other body is spooled to the transaction's spool directory, which only such a body makes.
 */
@DisplayName("Small parts in memory, the others spooled")
class SmallPartsTest extends ServerTest {
  static final String HEADER = "SKU,PRICE\n";

  @Override
  JsonObject configure(JsonObject config) {
    return config.put("http", config.getJsonObject("http").copy().put("instances", 1))
      .put("txn", new JsonObject().put("memoryPartBytes", 100).put("maxMemoryBytes", 200));
  }

  HttpResponse<Buffer> send(HttpMethod method, String uri, Buffer body, String... headers) {
    var request = tdx.request(method, uri).followRedirects(false);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return TestServer.await(body == null ? request.send() : request.sendBuffer(body));
  }

  /** A body of {@code rows} rows, {@code 10 + 14 * rows} bytes: SKU,PRICE then {@code Xnnnnnnnn,1.00}. */
  static String rows(String prefix, int rows) {
    StringBuilder body = new StringBuilder(HEADER);
    for (int i = 0; i < rows; i++) {
      body.append(String.format("%s%07d,1.00%n", prefix, i));
    }
    return body.toString();
  }

  @Test
  @DisplayName("bodies within memoryPartBytes and maxMemoryBytes make no spool file; larger, compressed or over the budget are spooled; all commit")
  void memoryThenSpool() throws Exception {
    String txn = Locations.path(send(HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location")).substring(5);
    Path spool = dataDir.resolve("txn").resolve(txn);
    String small = rows("A", 6); // 94 bytes: in memory
    assertEquals(94, small.length());
    assertEquals(201, send(HttpMethod.POST, "/products?txn=" + txn, Buffer.buffer(small)).statusCode());
    assertFalse(Files.exists(spool), "a body held in memory makes no spool directory");

    String large = rows("B", 8); // 122 bytes: over memoryPartBytes
    assertEquals(201, send(HttpMethod.POST, "/products?txn=" + txn, Buffer.buffer(large)).statusCode());
    assertTrue(Files.exists(spool.resolve("p2.csv")), "a body over memoryPartBytes is spooled");

    assertEquals(201, send(HttpMethod.POST, "/products?txn=" + txn, Buffer.buffer(RequestErrorsTest.gzip(rows("C", 2))),
      "Content-Encoding", "gzip").statusCode());
    assertTrue(Files.exists(spool.resolve("p3.csv")), "a compressed body is spooled (and checked) as sent");

    assertEquals(201, send(HttpMethod.POST, "/products?txn=" + txn, Buffer.buffer(rows("D", 6))).statusCode());
    assertFalse(Files.exists(spool.resolve("p4.csv")), "188 bytes in memory: within maxMemoryBytes");
    assertEquals(201, send(HttpMethod.POST, "/products?txn=" + txn, Buffer.buffer(rows("E", 6))).statusCode());
    assertTrue(Files.exists(spool.resolve("p5.csv")), "past maxMemoryBytes (200) a small body is spooled too");

    assertEquals(202, send(HttpMethod.POST, "/txn/" + txn + "/commit", Buffer.buffer("[\"p1\", \"p2\", \"p3\", \"p4\", \"p5\"]"))
      .statusCode());
    assertEquals(303, send(HttpMethod.GET, "/txn/" + txn + "/poll?wait=30", null).statusCode());
    JsonObject done = send(HttpMethod.GET, "/txn/" + txn, null).bodyAsJsonObject();
    assertEquals("COMMITTED", done.getString("state"), done.encodePrettily());
    List<Long> inserted = done.getJsonArray("parts").stream()
      .map(p -> ((JsonObject) p).getJsonObject("result").getLong("inserted")).toList();
    assertEquals(List.of(6L, 8L, 2L, 6L, 6L), inserted);
    String export = tdx.export("/products");
    assertEquals(1 + 28, export.split("\n").length, export);
    assertTrue(export.contains("A0000005,,1.00\n") && export.contains("E0000000,,1.00\n"), export);
    TxnMemoryTest.eventually("the spool directory goes with the transaction", () -> !Files.exists(spool));

    // the memory the finished transaction held is free again: two more small bodies are held in memory
    String next = Locations.path(send(HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location")).substring(5);
    assertEquals(201, send(HttpMethod.POST, "/products?txn=" + next, Buffer.buffer(rows("F", 6))).statusCode());
    assertEquals(201, send(HttpMethod.POST, "/products?txn=" + next, Buffer.buffer(rows("G", 6))).statusCode());
    assertFalse(Files.exists(dataDir.resolve("txn").resolve(next)), "the budget was released when the first transaction ended");
  }

  @Test
  @DisplayName("an import part that rejects no row answers its header-only error file, made on demand")
  void headerOnlyErrorFile() {
    String txn = Locations.path(send(HttpMethod.POST, "/txn/start?async=true", null).getHeader("Location")).substring(5);
    assertEquals(201, send(HttpMethod.POST, "/products?txn=" + txn, Buffer.buffer(rows("H", 1))).statusCode());
    assertEquals(202, send(HttpMethod.POST, "/txn/" + txn + "/commit", Buffer.buffer("[\"p1\"]")).statusCode());
    assertEquals(303, send(HttpMethod.GET, "/txn/" + txn + "/poll?wait=30", null).statusCode());
    HttpResponse<Buffer> csv = send(HttpMethod.GET, "/txn/" + txn + "/p1", null, "Accept", "text/csv");
    assertEquals(200, csv.statusCode());
    assertEquals("SKU,PRICE,LINE,CAUSE,CAUSE_CODE\n", csv.bodyAsString());
    HttpResponse<Buffer> single = send(HttpMethod.POST, "/products?return_errors=1", Buffer.buffer(rows("I", 1)),
      "Accept", "text/csv");
    assertEquals(200, single.statusCode());
    assertEquals("SKU,PRICE,LINE,CAUSE,CAUSE_CODE\n", single.bodyAsString());
    assertEquals("0", single.getHeader("TDX-Rows-Rejected"));
  }
}
