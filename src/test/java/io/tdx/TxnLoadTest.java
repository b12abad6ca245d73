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
    return config.put("limits", config.getJsonObject("limits").copy().put("maxQueuedJobs", 1000));
  }

  Future<HttpResponse<Buffer>> send(HttpMethod method, String uri, String body) {
    var request = tdx.client().request(method, uri).followRedirects(false);
    return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
  }

  /** Start, two small parts, commit, poll until done: the document at the end. */
  Future<JsonObject> transaction(int n) {
    return send(HttpMethod.POST, "/txn/start?async=true", null).compose(started -> {
      String txn = started.getHeader("Location");
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
    assertEquals(10_000, tdx.get("/txn?state=OPEN").bodyAsJsonObject().getJsonArray("transactions").size());
    long grown = (after - before) >> 20;
    assertTrue(grown < 100, "heap grew by " + grown + " MB for 10,000 open transactions");
  }
}
