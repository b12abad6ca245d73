package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.config.ConfigException;
import io.tdx.config.ConfigLoader;
import io.tdx.config.TdxConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Clustered mode's configuration: the members, this node's place, and what it refuses (issue 14)")
class ClusterConfigTest {
  @TempDir
  Path dataDir;

  @Test
  @DisplayName("TDX_CLUSTER_MEMBERS, TDX_CLUSTER_PORT and TDX_CLUSTER_HOST set the cluster; bad values name themselves")
  void environment() {
    TdxConfig config = TdxConfig.from(ConfigLoader.load(Map.of("TDX_CLUSTER_MEMBERS", "127.0.0.1:5701, 127.0.0.1:5702,",
      "TDX_CLUSTER_PORT", "5702", "TDX_CLUSTER_HOST", "127.0.0.2")));
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702"), config.cluster().members());
    assertEquals(5702, config.cluster().port());
    assertEquals("127.0.0.2", config.cluster().host());
    assertTrue(!config.cluster().enabled(), "the members alone do not enable it");
    assertEquals(10, config.cluster().failureSeconds());
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("TDX_CLUSTER_PORT", "x")))
      .getMessage().contains("TDX_CLUSTER_PORT"));
    JsonObject bad = ConfigLoader.load(Map.of("TDX_CLUSTER_MEMBERS", "127.0.0.1:5701,not a member"));
    assertTrue(assertThrows(ConfigException.class, () -> TdxConfig.from(bad)).getMessage().contains("cluster.members"));
  }

  @Test
  @DisplayName("cluster.enabled on a Vert.x that is not clustered, or on the embedded DuckDB, fails the start")
  void refusedWhenEmbedded() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject config = ConfigLoader.load(Map.of("TDX_DATA_DIR", dataDir.toString(), "TDX_HTTP_PORT", "0"));
      config.put("cluster", new JsonObject().put("enabled", true));
      config.put("workspace", new JsonObject().put("url", "jdbc:postgresql://127.0.0.1:1/none"));
      ConfigException notClustered = assertThrows(ConfigException.class, () -> TestServer.await(Tdx.start(vertx, config)));
      assertTrue(notClustered.getMessage().contains("needs a clustered Vert.x instance"), notClustered::toString);
      config.remove("workspace");
      ConfigException duckDb = assertThrows(ConfigException.class, () -> TestServer.await(Tdx.start(vertx, config)));
      assertTrue(duckDb.getMessage().contains("the embedded DuckDB workspace is one process's file"), duckDb::toString);
    } finally {
      vertx.close();
    }
  }

  @Test
  @DisplayName("serve --cluster on the embedded DuckDB workspace stops at once with exit code 2, saying why")
  void serveRefusesDuckDb() throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), "io.tdx.cli.Main", "serve", "--cluster").redirectErrorStream(true);
    builder.environment().remove("TDX_WORKSPACE_URL");
    builder.environment().put("TDX_DATA_DIR", dataDir.toString());
    builder.environment().put("TDX_HTTP_PORT", "0");
    Process serve = builder.start();
    assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve --cluster on DuckDB is still running");
    String output = new String(serve.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, serve.exitValue(), output);
    assertTrue(output.contains("cannot start: clustered mode needs a workspace the nodes share"), output);
  }
}
