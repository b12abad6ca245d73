package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Concurrent imports and exports")
class ConcurrencyTest extends ServerTest {

  @Override
  JsonObject configure(JsonObject config) {
    config.getJsonArray("services").add(new JsonObject().put("prefix", "/stores")
      .put("columns", new JsonArray()
        .add(new JsonObject().put("name", "STORE").put("type", "string").put("key", true))
        .add(new JsonObject().put("name", "CITY").put("type", "string"))));
    return config;
  }

  static String products(int from, int to, String price) {
    StringBuilder csv = new StringBuilder("SKU,DESCRIPTION,PRICE\n");
    for (int i = from; i < to; i++) {
      csv.append(String.format("P%06d,product %d,%s%n", i, i, price));
    }
    return csv.toString();
  }

  static String sales(int from, int to) {
    StringBuilder csv = new StringBuilder("SKU,STORE,WEEK,UNITS\n");
    for (int i = from; i < to; i++) {
      csv.append(String.format("P%06d,S%d,%d,%d%n", i % 1000, i / 1000, i % 53 + 1, i));
    }
    return csv.toString();
  }

  Future<HttpResponse<Buffer>> send(HttpMethod method, String uri, String body) {
    return tdx.client().request(method, uri).sendBuffer(Buffer.buffer(body));
  }

  @Test
  @DisplayName("imports into different services in parallel all land in full")
  void parallelImportsIntoDifferentServices() {
    tdx.post("/products", products(0, 1000, "1.00"));
    List<Future<HttpResponse<Buffer>>> imports = new ArrayList<>();
    for (int part = 0; part < 3; part++) {
      imports.add(send(HttpMethod.POST, "/sales", sales(part * 5000, (part + 1) * 5000)));
      imports.add(send(HttpMethod.POST, "/products", products(1000 + part * 5000, 1000 + (part + 1) * 5000, "2.00")));
      StringBuilder stores = new StringBuilder("STORE,CITY\n");
      for (int i = 0; i < 2000; i++) {
        stores.append("S").append(part).append('-').append(i).append(",City ").append(i).append('\n');
      }
      imports.add(send(HttpMethod.POST, "/stores", stores.toString()));
    }
    TestServer.await(Future.all(imports));
    for (Future<HttpResponse<Buffer>> response : imports) {
      assertEquals(200, response.result().statusCode(), response.result().bodyAsString());
      assertEquals("0", response.result().getHeader("TDX-Rows-Rejected"), response.result().bodyAsString());
    }
    assertEquals(15_000, tdx.export("/sales").lines().count() - 1);
    assertEquals(16_000, tdx.export("/products").lines().count() - 1);
    assertEquals(6_000, tdx.export("/stores").lines().count() - 1);
  }

  @Test
  @DisplayName("concurrent upserts of the same keys all succeed, and the table ends as one of the files, not a mix")
  void concurrentUpsertsOfTheSameKeys() {
    List<Future<HttpResponse<Buffer>>> imports = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      imports.add(send(HttpMethod.POST, "/products", products(0, 2000, i + ".00")));
    }
    TestServer.await(Future.all(imports));
    imports.forEach(r -> assertEquals(200, r.result().statusCode(), r.result().bodyAsString()));
    String export = tdx.export("/products");
    assertEquals(2000, export.lines().count() - 1);
    assertEquals(1, prices(export).size(), "prices of several files mixed: " + prices(export));
  }

  @Test
  @DisplayName("an export during an import shows all of the import or none of it")
  void exportDuringImport(VertxTestContext context) {
    int rows = 60_000;
    tdx.post("/products", products(0, rows, "1.00"));
    AtomicBoolean importing = new AtomicBoolean(true);
    AtomicInteger exports = new AtomicInteger();
    Future<HttpResponse<Buffer>> update = send(HttpMethod.POST, "/products", products(0, rows, "2.00"))
      .onComplete(done -> importing.set(false));
    exportUntil(importing, exports, rows, context);
    update.onComplete(context.succeeding(response -> context.verify(() ->
      assertEquals(Integer.toString(rows), response.getHeader("TDX-Rows-Updated")))));
  }

  private void exportUntil(AtomicBoolean importing, AtomicInteger exports, int rows, VertxTestContext context) {
    boolean startedAfterImport = !importing.get();
    tdx.client().get("/products").send().onComplete(context.succeeding(response -> context.verify(() -> {
      String body = response.bodyAsString();
      assertEquals(rows, body.lines().count() - 1);
      Set<String> prices = prices(body);
      assertEquals(1, prices.size(), "an export saw half an import: " + prices);
      exports.incrementAndGet();
      if (startedAfterImport) {
        assertEquals(Set.of("2.00"), prices, "an export after the import must see it");
        assertTrue(exports.get() >= 2, "exports ran during the import: " + exports.get());
        context.completeNow();
      } else {
        exportUntil(importing, exports, rows, context);
      }
    })));
  }

  static Set<String> prices(String export) {
    Set<String> prices = new TreeSet<>();
    export.lines().skip(1).forEach(line -> prices.add(line.substring(line.lastIndexOf(',') + 1)));
    return prices;
  }
}
