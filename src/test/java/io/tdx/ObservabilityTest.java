package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Observability: /metrics (Prometheus), /health and /ready, the access log")
class ObservabilityTest extends ServerTest {

  /** The value of one sample of a Prometheus text exposition, or -1 when it is not there. */
  static double sample(String metrics, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels == null ? "" : Pattern.quote("{" + labels + "}"))
      + " ([0-9.E+-]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  String metrics() {
    HttpResponse<Buffer> scraped = tdx.get("/metrics");
    assertEquals(200, scraped.statusCode(), scraped.bodyAsString());
    assertTrue(scraped.getHeader("Content-Type").startsWith("text/plain"), scraped.getHeader("Content-Type"));
    return scraped.bodyAsString();
  }

  @Test
  @DisplayName("rows and bytes per service, rejected rows by CAUSE_CODE, transactions by final state, commit durations, gauges")
  void countsWhatMoved() {
    assertEquals(200, tdx.post("/products", ImportTest.PRODUCTS).statusCode());
    HttpResponse<Buffer> rejecting = tdx.post("/sales", "SKU,STORE,WEEK,UNITS\nA1,S1,1,1\nA1,S1,54,1\nZZ,S1,1,1\nB2,S1,2,2\n");
    assertEquals(200, rejecting.statusCode());
    String exported = tdx.export("/products");
    String txn = tdx.post("/txn/start?async=true", "").bodyAsJsonObject().getString("id");
    assertEquals(201, tdx.post("/sales?txn=" + txn, "SKU,STORE,WEEK,UNITS\nC3,S1,1,1\nC3,S1,99,1\n").statusCode());
    assertEquals(201, tdx.get("/products?txn=" + txn).statusCode());
    assertEquals(202, tdx.post("/txn/" + txn + "/commit", "{\"parts\": [\"p1\", \"p2\"]}").statusCode());
    assertEquals(303, TestServer.await(tdx.request(io.vertx.core.http.HttpMethod.GET, "/txn/" + txn + "/poll?wait=30")
      .followRedirects(false).send()).statusCode());
    String aborted = tdx.post("/txn/start", "").bodyAsJsonObject().getString("id");
    assertEquals(200, tdx.post("/txn/" + aborted + "/abort", "").statusCode());

    String metrics = metrics();
    assertEquals(3, sample(metrics, "tdx_import_rows_total", "outcome=\"inserted\",service=\"/products\""), metrics);
    assertEquals(ImportTest.PRODUCTS.length(), sample(metrics, "tdx_import_bytes_total", "service=\"/products\""));
    // the single import of /sales (4 rows, 2 rejected) and the transaction's part (2 rows, 1 rejected)
    assertEquals(6, sample(metrics, "tdx_import_rows_total", "outcome=\"read\",service=\"/sales\""));
    assertEquals(3, sample(metrics, "tdx_import_rows_total", "outcome=\"inserted\",service=\"/sales\""));
    assertEquals(3, sample(metrics, "tdx_import_rows_total", "outcome=\"rejected\",service=\"/sales\""));
    assertEquals(2, sample(metrics, "tdx_rejected_rows_total", "cause_code=\"CHECK_FAILED\",service=\"/sales\""));
    assertEquals(1, sample(metrics, "tdx_rejected_rows_total", "cause_code=\"UNKNOWN_REFERENCE\",service=\"/sales\""));
    // the single export and the transaction's export part
    assertEquals(6, sample(metrics, "tdx_export_rows_total", "service=\"/products\""));
    assertTrue(sample(metrics, "tdx_export_bytes_total", "service=\"/products\"") >= exported.length());
    assertEquals(1, sample(metrics, "tdx_transactions_total", "state=\"COMMITTED\""));
    assertEquals(1, sample(metrics, "tdx_transactions_total", "state=\"ABORTED\""));
    assertEquals(1, sample(metrics, "tdx_commit_duration_seconds_count", null));
    assertTrue(metrics.contains("tdx_commit_duration_seconds_bucket{le="), "a histogram");
    assertEquals(0, sample(metrics, "tdx_transactions_open", "owner=\"0\"") + sample(metrics, "tdx_transactions_open", "owner=\"1\""));
    assertEquals(0, sample(metrics, "tdx_spool_bytes", "owner=\"0\""));
    assertEquals(TestServer.shippedConfig(dataDir).getJsonObject("workspace").getInteger("workers", 2),
      (int) sample(metrics, "tdx_workspace_workers", null));
    // a transaction's record may be being written now
    double busy = sample(metrics, "tdx_workspace_workers_busy", null);
    assertTrue(busy >= 0 && busy <= sample(metrics, "tdx_workspace_workers", null), metrics);
    assertTrue(sample(metrics, "tdx_workspace_jobs_waiting", null) >= 0, metrics);
    // the workspace's connections: lent, kept, and (PostgreSQL's pool) waited for and its size
    for (String state : List.of("active", "idle", "pending")) {
      assertTrue(sample(metrics, "tdx_workspace_connections", "state=\"" + state + "\"") >= 0, metrics);
    }
    if (TestWorkspace.postgres()) {
      assertTrue(sample(metrics, "tdx_workspace_connections_max", null) > 0, metrics);
    }
    assertEquals(0, sample(metrics, "tdx_requests_in_flight", null), "a scrape is not work in flight");
    assertTrue(sample(metrics, "tdx_requests_in_flight_limit", null) > 0);
  }

  @Test
  @DisplayName("an open transaction shows in the gauges until it ends")
  void openTransactionGauge() {
    String txn = tdx.post("/txn/start?async=true", "").bodyAsJsonObject().getString("id");
    assertEquals(201, tdx.post("/products?txn=" + txn, ImportTest.PRODUCTS).statusCode());
    String metrics = metrics();
    assertEquals(1, sample(metrics, "tdx_transactions_open", "owner=\"0\"") + sample(metrics, "tdx_transactions_open", "owner=\"1\""));
    assertEquals(ImportTest.PRODUCTS.length(), sample(metrics, "tdx_spool_memory_bytes", "owner=\"0\"")
      + sample(metrics, "tdx_spool_memory_bytes", "owner=\"1\""));
    assertEquals(200, tdx.post("/txn/" + txn + "/abort", "").statusCode());
    metrics = metrics();
    assertEquals(0, sample(metrics, "tdx_transactions_open", "owner=\"0\"") + sample(metrics, "tdx_transactions_open", "owner=\"1\""));
  }

  @Test
  @DisplayName("/health is UP while the server answers; /ready checks the workspace and the services")
  void probes() {
    HttpResponse<Buffer> health = tdx.get("/health");
    assertEquals(200, health.statusCode(), health.bodyAsString());
    assertEquals("UP", health.bodyAsJsonObject().getString("status"));
    HttpResponse<Buffer> ready = tdx.get("/ready");
    assertEquals(200, ready.statusCode(), ready.bodyAsString());
    JsonObject readiness = ready.bodyAsJsonObject();
    assertEquals("UP", readiness.getString("status"));
    List<String> checks = readiness.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")).toList();
    assertEquals(List.of("workspace", "services"), checks);
    assertEquals(2, readiness.getJsonArray("checks").getJsonObject(1).getJsonObject("data").getInteger("services"));
    tdx.server().loadServices(new io.vertx.core.json.JsonArray()); // no service is still a loaded set
    assertEquals(200, tdx.get("/ready").statusCode());
  }

  @Test
  @DisplayName("serve: Vert.x's HTTP server metrics beside the server's own, and one access-log line per request")
  void servedProcess(@TempDir Path data) throws Exception {
    try (ServerProcess server = ServerProcess.start(List.of(), Map.of("TDX_DATA_DIR", data.toString()))) {
      HttpClient http = HttpClient.newHttpClient();
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(server.url() + "/products"))
        .POST(HttpRequest.BodyPublishers.ofString(ImportTest.PRODUCTS)).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
        .statusCode());
      assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(server.url() + "/nothing/here")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
      String metrics = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("vertx_http_server_requests_total{"), metrics);
      assertTrue(sample(metrics, "tdx_import_rows_total", "outcome=\"inserted\",service=\"/products\"") == 3, metrics);
      long deadline = System.currentTimeMillis() + 10_000;
      while (server.log.stream().noneMatch(l -> l.contains(" access - GET /metrics 200")) && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      List<String> access = server.log.stream().filter(l -> l.contains(" access - ")).toList();
      assertTrue(access.stream().anyMatch(l -> l.matches(".* access - POST /products 200 \\d+ B \\d+ ms -$")), access.toString());
      assertTrue(access.stream().anyMatch(l -> l.matches(".* access - GET /nothing/here 404 \\d+ B \\d+ ms -$")), access.toString());
      // a 404 is the client's business: no ERROR line, no stack trace
      assertTrue(server.log.stream().noneMatch(l -> l.contains("ERROR") || l.startsWith("\tat ")), server.log.toString());
    }
  }
}
