package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Transactions under load")
class TxnLoadTest extends ServerTest {

  @Override
  JsonObject configure(JsonObject config) {
    // these tests fire hundreds of transactions at once on purpose: no load shedding (InFlightBoundTest tests it)
    return config.put("limits", config.getJsonObject("limits").copy().put("maxQueuedJobs", 1000).put("maxInFlight", 100_000));
  }

  Future<HttpResponse<Buffer>> send(HttpMethod method, String uri, String body) {
    var request = tdx.client().request(method, uri).followRedirects(false);
    return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
  }

  /** Start, two small parts, commit, poll until done: the document at the end. */
  Future<JsonObject> transaction(int n) {
    return send(HttpMethod.POST, "/txn/start?async=true", null).compose(started -> {
      String txn = Locations.path(started.getHeader("Location"));
      String id = txn.substring(5);
      return send(HttpMethod.POST, "/products?txn=" + id, "SKU,PRICE\nL" + n + ",1.00\n")
        .compose(p1 -> send(HttpMethod.POST, "/sales?txn=" + id, "SKU,STORE,WEEK,UNITS\nL" + n + ",S1,1," + n + "\n")
          .compose(p2 -> send(HttpMethod.POST, txn + "/commit", "{\"parts\": [\"p1\", \"p2\"]}")))
        .compose(committed -> send(HttpMethod.GET, txn + "/poll?wait=60", null))
        .compose(polled -> send(HttpMethod.GET, txn, null))
        .map(HttpResponse::bodyAsJsonObject);
    });
  }

  @Test
  @DisplayName("300 asynchronous transactions started at once all commit, each with its own rows")
  void concurrentTransactions() {
    List<Future<JsonObject>> all = new ArrayList<>();
    for (int n = 0; n < 300; n++) {
      all.add(transaction(n));
    }
    TestServer.await(Future.join(new ArrayList<>(all)));
    for (Future<JsonObject> txn : all) {
      assertTrue(txn.succeeded(), () -> String.valueOf(txn.cause()));
      assertEquals("COMMITTED", txn.result().getString("state"), txn.result().encodePrettily());
    }
    assertEquals(300, tdx.export("/products").lines().count() - 1);
    assertEquals(300, tdx.export("/sales").lines().count() - 1);
  }

  /** A transaction whose only part has a rejected row and abort_on_error: it fails with 422 wherever it is queued. */
  Future<JsonObject> failing(int n) {
    return send(HttpMethod.POST, "/txn/start?async=true", null).compose(started -> {
      String txn = Locations.path(started.getHeader("Location"));
      return send(HttpMethod.POST, "/products?abort_on_error=true&txn=" + txn.substring(5), "SKU,PRICE\nF" + n + ",-1\n")
        .compose(p1 -> send(HttpMethod.POST, txn + "/commit", "{\"parts\": [\"p1\"]}"))
        .compose(committed -> send(HttpMethod.GET, txn + "/poll?wait=60", null))
        .compose(polled -> send(HttpMethod.GET, txn, null))
        .map(HttpResponse::bodyAsJsonObject);
    });
  }

  @Test
  @DisplayName("transactions committed together end as they would alone: one that fails among 120 fails alone, the rest commit")
  void groupedCommitsEndAsAlone() {
    List<Future<JsonObject>> all = new ArrayList<>();
    for (int n = 0; n < 120; n++) {
      all.add(n % 40 == 7 ? failing(n) : transaction(n));
    }
    TestServer.await(Future.join(new ArrayList<>(all)));
    for (int n = 0; n < all.size(); n++) {
      JsonObject document = all.get(n).result();
      assertEquals(n % 40 == 7 ? "FAILED" : "COMMITTED", document.getString("state"), document.encodePrettily());
      if (n % 40 == 7) {
        assertEquals(422, document.getJsonArray("parts").getJsonObject(0).getInteger("status"), document.encodePrettily());
      } else {
        JsonObject sales = document.getJsonArray("parts").getJsonObject(1).getJsonObject("result");
        assertEquals(1, sales.getLong("inserted"), document.encodePrettily());
      }
    }
    assertEquals(117, tdx.export("/products").lines().count() - 1);
    assertEquals(117, tdx.export("/sales").lines().count() - 1);
    assertTrue(tdx.export("/products").lines().noneMatch(line -> line.startsWith("F")));
  }

  @Test
  @DisplayName("10,000 open asynchronous transactions at once keep the heap bounded (well under 100 MB more)")
  void tenThousandOpen() {
    System.gc();
    long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int opened = 0;
    for (int batch = 0; batch < 20; batch++) {
      List<Future<HttpResponse<Buffer>>> starts = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        starts.add(send(HttpMethod.POST, "/txn/start?async=true", null));
      }
      TestServer.await(Future.all(new ArrayList<>(starts)));
      for (Future<HttpResponse<Buffer>> start : starts) {
        assertEquals(201, start.result().statusCode());
        opened++;
      }
    }
    System.gc();
    long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    assertEquals(10_000, opened);
    assertEquals(10_000, TxnMemoryTest.listAll(tdx, "state=OPEN&limit=1000").size());
    long grown = (after - before) >> 20;
    assertTrue(grown < 100, "heap grew by " + grown + " MB for 10,000 open transactions");
  }
}
