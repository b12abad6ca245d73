package io.tdx.postgres;

import static io.tdx.postgres.ClusterNodes.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.config.ConfigLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Clustered mode with tokens: a transaction is its principal's on every node")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterAuthTest {
  static final String LOADER = "cluster-loader-token";
  static final String READER = "cluster-reader-token";
  static final String OPS = "cluster-ops-token";
  @TempDir
  static Path root;
  ClusterNodes cluster;

  static JsonObject token(String principal, String token, String... permissions) throws Exception {
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    return new JsonObject().put("principal", principal).put("sha256", sha256).put("permissions", new JsonArray(List.of(permissions)));
  }

  @BeforeAll
  void startNodes() throws Exception {
    JsonObject config = ConfigLoader.load(Map.of("TDX_CONF", Path.of("conf/tdx.json").toAbsolutePath().toString()));
    config.remove("configFile");
    config.put("auth", new JsonObject().put("tokens", new JsonArray()
      .add(token("loader", LOADER, "write:*", "read:*")).add(token("reader", READER, "read:*")).add(token("ops", OPS, "admin"))));
    Path conf = root.resolve("tdx.json");
    Files.writeString(conf, config.encodePrettily());
    cluster = ClusterNodes.start(root, 2, Map.of("TDX_CONF", conf.toString()), OPS);
  }

  @AfterAll
  void stopNodes() {
    if (cluster != null) {
      cluster.close();
    }
  }

  HttpResponse<String> send(String token, int node, String method, String path, String body) throws Exception {
    return cluster.send(node, method, path, body, "Authorization", "Bearer " + token);
  }

  List<String> ids(String token, int node) throws Exception {
    HttpResponse<String> listing = send(token, node, "GET", "/txn", null);
    assertStatus(200, listing);
    return new JsonObject(listing.body()).getJsonArray("transactions").stream().map(t -> ((JsonObject) t).getString("id")).toList();
  }

  @Test
  @DisplayName("started on one node, its parts and commit through the other; another principal gets 404 on both; records too")
  void ownedAcrossNodes() throws Exception {
    HttpResponse<String> started = send(LOADER, 0, "POST", "/txn/start?async=true", null);
    assertStatus(201, started);
    String txn = new JsonObject(started.body()).getString("id");
    assertStatus(201, send(LOADER, 1, "POST", "/products?txn=" + txn, "SKU,PRICE\nCL1,1.00\n"));
    for (int node = 0; node < 2; node++) {
      HttpResponse<String> other = send(READER, node, "GET", "/txn/" + txn, null);
      assertStatus(404, other);
      assertEquals("urn:tdx:problem:unknown-transaction", new JsonObject(other.body()).getString("type"));
      assertStatus(404, send(READER, node, "POST", "/txn/" + txn + "/commit", "{\"parts\": [\"p1\"]}"));
      assertStatus(404, send(READER, node, "POST", "/txn/" + txn + "/abort", null));
      assertTrue(!ids(READER, node).contains(txn));
      assertTrue(ids(LOADER, node).contains(txn));
      assertTrue(ids(OPS, node).contains(txn));
    }
    assertStatus(202, send(LOADER, 1, "POST", "/txn/" + txn + "/commit", "{\"parts\": [\"p1\"]}"));
    assertStatus(303, send(LOADER, 0, "GET", "/txn/" + txn + "/poll?wait=60", null));
    for (int node = 0; node < 2; node++) {
      assertStatus(404, send(READER, node, "GET", "/txn/" + txn, null));
      HttpResponse<String> mine = send(LOADER, node, "GET", "/txn/" + txn, null);
      assertStatus(200, mine);
      assertEquals("loader", new JsonObject(mine.body()).getString("principal"));
      assertEquals("COMMITTED", new JsonObject(mine.body()).getString("state"));
    }
  }
}
