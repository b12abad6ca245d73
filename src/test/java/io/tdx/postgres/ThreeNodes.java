package io.tdx.postgres;

import static io.tdx.postgres.ClusterNodes.assertStatus;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A test class's cluster: three nodes started before its tests, on a schema of their own, stopped after them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ThreeNodes {
  @TempDir
  static Path root;
  ClusterNodes cluster;

  @BeforeAll
  void startNodes() throws Exception {
    cluster = ClusterNodes.start(root, 3);
  }

  @AfterAll
  void stopNodes() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Starts a transaction on {@code node}, which owns it; its id. */
  String begin(int node, boolean async) throws Exception {
    HttpResponse<String> started = cluster.send(node, "POST", "/txn/start" + (async ? "?async=true" : ""), null);
    assertStatus(201, started);
    return new JsonObject(started.body()).getString("id");
  }
}
