package io.tdx.postgres;

import static io.tdx.postgres.ClusterNodes.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Three nodes, one PostgreSQL workspace: any node answers any request of a transaction (issue 14)")
class ClusterTest extends ThreeNodes {
  private int next;


  /** The next node, round-robin: each request of a test goes to another node than the one before. */
  private int next() {
    return next++ % 3;
  }

  static String products(String prefix, int count) {
    StringBuilder csv = new StringBuilder("SKU,DESCRIPTION,PRICE\n");
    for (int i = 0; i < count; i++) {
      csv.append(prefix).append(i).append(",item ").append(i).append(',').append(i % 100).append(".25\n");
    }
    return csv.toString();
  }

  /** {@code rows} sales of the products {@code prefix}0.., in stores {@code store}0.., plus one of an unknown product. */
  static String sales(String prefix, int products, String store, int rows) {
    StringBuilder csv = new StringBuilder("SKU,STORE,WEEK,UNITS,REVENUE\n");
    for (int i = 0; i < rows; i++) {
      csv.append(prefix).append(i % products).append(',').append(store).append(i / (products * 53)).append(',')
        .append(1 + i / products % 53).append(',').append(i % 7).append(",1.00\n");
    }
    return csv.append("NOSUCH,").append(store).append("0,1,1,1.00\n").toString();
  }

  @Test
  @DisplayName("asynchronous: start, parts, commit, poll, documents and CSVs each on another node")
  void asynchronousAcrossNodes() throws Exception {
    String store = "ASYNC";
    String id = begin(next(), true);
    String owner = new JsonObject(cluster.send(next(), "GET", "/txn/" + id, null).body()).getString("node");
    assertNotNull(owner);
    // a small body (held in memory by the owner) and a large one (streamed to the owner in chunks), then an export
    HttpResponse<String> products = cluster.send(next(), "POST", "/products?txn=" + id, products("AS", 50));
    assertStatus(201, products);
    assertEquals("READY", new JsonObject(products.body()).getString("state"));
    HttpResponse<String> sales = cluster.send(next(), "POST", "/sales?txn=" + id, sales("AS", 50, store, 30_000));
    assertStatus(201, sales);
    assertStatus(201, cluster.send(next(), "GET", "/products?txn=" + id, null));
    HttpResponse<String> commit = cluster.send(next(), "POST", "/txn/" + id + "/commit", "{\"parts\": [\"p1\", \"p2\", \"p3\"]}");
    assertStatus(202, commit);
    HttpResponse<String> poll = cluster.send(next(), "GET", "/txn/" + id + "/poll?wait=60", null);
    assertStatus(303, poll);
    JsonObject document = new JsonObject(cluster.send(next(), "GET", "/txn/" + id, null).body());
    assertEquals("COMMITTED", document.getString("state"), document.encodePrettily());
    assertEquals(owner, document.getString("node"));
    JsonObject salesPart = new JsonObject(cluster.send(next(), "GET", "/txn/" + id + "/p2", null).body());
    assertEquals(30_000L, salesPart.getJsonObject("result").getLong("inserted"), salesPart.encodePrettily());
    assertEquals(1L, salesPart.getJsonObject("result").getLong("rejected"));
    // the CSVs live on the owner's disk: every node serves them
    for (int node = 0; node < 3; node++) {
      HttpResponse<String> export = cluster.send(node, "GET", "/txn/" + id + "/p3", null, "Accept", "text/csv");
      assertStatus(200, export);
      assertTrue(export.body().startsWith("SKU,DESCRIPTION,PRICE\n"), export.body());
      assertTrue(export.body().contains("\nAS49,item 49,49.25\n"), export.body());
      HttpResponse<String> errors = cluster.send(node, "GET", "/txn/" + id + "/p2", null, "Accept", "text/csv");
      assertStatus(200, errors);
      assertTrue(errors.body().contains("NOSUCH," + store + "0,1,1,1.00,"), errors.body());
    }
    assertEquals(30_000L, cluster.count("SELECT count(*) FROM sales WHERE \"STORE\" LIKE '" + store + "%'"));
    assertEquals(50L, cluster.count("SELECT count(*) FROM products WHERE \"SKU\" LIKE 'AS%'"));
  }

  @Test
  @DisplayName("synchronous: parts held on two nodes, the commit on a third, each answered with its own result")
  void synchronousAcrossNodes() throws Exception {
    String store = "SYNC";
    String id = begin(next(), false);
    ExecutorService clients = Executors.newFixedThreadPool(3);
    try {
      int productsNode = next();
      int salesNode = next();
      int commitNode = next();
      Future<HttpResponse<String>> products = clients.submit(() -> cluster.send(productsNode, "POST", "/products?txn=" + id,
        products("SY", 20)));
      Future<HttpResponse<String>> sales = clients.submit(() -> cluster.send(salesNode, "POST", "/sales?txn=" + id,
        sales("SY", 20, store, 10_000), "Accept", "application/json"));
      Future<HttpResponse<String>> commit = clients.submit(() -> cluster.send(commitNode, "POST", "/txn/" + id + "/commit?count=2", null));
      HttpResponse<String> committed = commit.get();
      assertStatus(200, committed);
      assertEquals("COMMITTED", new JsonObject(committed.body()).getString("state"));
      assertStatus(200, products.get());
      assertTrue(products.get().body().contains("20 rows read, 20 inserted"), products.get().body());
      assertStatus(200, sales.get());
      JsonObject result = new JsonObject(sales.get().body());
      assertEquals(10_000L, result.getLong("inserted"), result.encodePrettily());
      assertEquals(1L, result.getLong("rejected"));
    } finally {
      clients.shutdownNow();
    }
    assertEquals(10_000L, cluster.count("SELECT count(*) FROM sales WHERE \"STORE\" LIKE '" + store + "%'"));
  }

  @Test
  @DisplayName("a gzip body received by another node is checked by the owner: a good one is READY, a cut one is refused")
  void gzipBodyOnAnotherNode() throws Exception {
    int owner = next();
    String id = begin(owner, true);
    int other = (owner + 1) % 3;
    byte[] gzip = gzip(products("GZ", 5_000));
    HttpResponse<byte[]> good = ClusterNodes.sendBytes(cluster.node(other).url(), "POST", "/products?txn=" + id, gzip,
      "Content-Encoding", "gzip");
    assertStatus(201, good);
    byte[] cut = java.util.Arrays.copyOf(gzip, gzip.length / 2);
    HttpResponse<byte[]> refused = ClusterNodes.sendBytes(cluster.node(other).url(), "POST", "/products?txn=" + id, cut,
      "Content-Encoding", "gzip");
    assertStatus(400, refused);
    assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("bad-encoding"),
      () -> new String(refused.body(), StandardCharsets.UTF_8));
    JsonObject document = new JsonObject(cluster.send(owner, "GET", "/txn/" + id, null).body());
    JsonArray parts = document.getJsonArray("parts");
    assertEquals("READY", parts.getJsonObject(0).getString("state"), document.encodePrettily());
    assertEquals("FAILED", parts.getJsonObject(1).getString("state"), document.encodePrettily());
    HttpResponse<String> commit = cluster.send(other, "POST", "/txn/" + id + "/commit", "[\"p1\"]");
    assertStatus(202, commit);
    assertStatus(303, cluster.send(next(), "GET", "/txn/" + id + "/poll?wait=60", null));
    assertEquals(5_000L, cluster.count("SELECT count(*) FROM products WHERE \"SKU\" LIKE 'GZ%'"));
  }

  @Test
  @DisplayName("lb_async: the request on one node, its polling on a second, its response on a third, freed on the first")
  void lbAsyncAcrossNodes() throws Exception {
    int first = next();
    assertStatus(200, cluster.send(first, "POST", "/products", products("LB", 20)));
    HttpResponse<String> accepted = cluster.send(first, "POST", "/sales?lb_async=true", sales("LB", 20, "LBA", 5_000));
    assertStatus(202, accepted);
    String polling = io.tdx.Locations.path(accepted.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> done = cluster.send(next(), "GET", polling + "&wait=60", null);
    assertStatus(303, done);
    String response = io.tdx.Locations.path(done.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> answer = cluster.send(next(), "GET", response, null);
    assertStatus(200, answer);
    assertEquals("1", answer.headers().firstValue("TDX-Rows-Rejected").orElseThrow());
    assertTrue(answer.body().contains("NOSUCH,LBA0,1,1,1.00,"), answer.body());
    assertStatus(200, cluster.send(first, "DELETE", response + "&X-HTTP-Method-Override=GET", null));
    for (int node = 0; node < 3; node++) {
      HttpResponse<String> freed = cluster.send(node, "GET", response, null);
      assertStatus(404, freed);
      assertTrue(freed.body().contains("unknown-async-request"), freed.body());
    }
    assertEquals(5_000L, cluster.count("SELECT count(*) FROM sales WHERE \"STORE\" LIKE 'LBA%'"));
  }

  @Test
  @DisplayName("the listing and an unknown transaction answer alike on every node")
  void listingOnEveryNode() throws Exception {
    List<String> open = new java.util.ArrayList<>();
    for (int node = 0; node < 3; node++) {
      open.add(begin(node, true));
    }
    for (int node = 0; node < 3; node++) {
      HttpResponse<String> listing = cluster.send(node, "GET", "/txn?state=OPEN&limit=1000", null);
      assertStatus(200, listing);
      List<String> listed = new JsonObject(listing.body()).getJsonArray("transactions").stream()
        .map(t -> ((JsonObject) t).getString("id")).toList();
      assertTrue(listed.containsAll(open), () -> listed + " lacks some of " + open);
      HttpResponse<String> unknown = cluster.send(node, "GET", "/txn/" + java.util.UUID.randomUUID(), null);
      assertStatus(404, unknown);
      assertTrue(unknown.body().contains("unknown-transaction"), unknown.body());
    }
    for (String id : open) {
      HttpResponse<String> aborted = cluster.send(next(), "POST", "/txn/" + id + "/abort", null);
      assertStatus(200, aborted);
      assertEquals("ABORTED", new JsonObject(aborted.body()).getString("state"));
    }
  }

  static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
