package io.tdx.postgres;

import static io.tdx.postgres.ClusterNodes.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@DisplayName("HAProxy in round-robin in front of three nodes: both protocols pass through it, and a node leaves unnoticed (issue 14)")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaproxyClusterTest extends ThreeNodes {
  Process haproxy;
  String url;

  @BeforeAll
  void startHaproxy() throws Exception {
    Path binary = Stream.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy").map(Path::of)
      .filter(Files::isExecutable).findFirst().orElse(null);
    if (binary == null) {
      String why = "haproxy is not installed (Debian package haproxy; .ci/run installs it)";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(why + ": under CI this test must run");
      }
      Assumptions.abort(why);
    }
    int port = ClusterNodes.freePort();
    int statsPort = ClusterNodes.freePort();
    Path config = root.resolve("haproxy.cfg");
    Files.writeString(config, config(port, statsPort, cluster));
    haproxy = new ProcessBuilder(binary.toString(), "-f", config.toString(), "-db").redirectErrorStream(true)
      .redirectOutput(root.resolve("haproxy.log").toFile()).start();
    url = "http://127.0.0.1:" + port;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!listening(port) || !allUp(statsPort)) {
      assertTrue(haproxy.isAlive() && System.nanoTime() < deadline, () -> "haproxy did not start with every node up: " + log());
      Thread.sleep(100);
    }
  }

  /** Whether HAProxy's checks have found every node up (its statistics as CSV: a row per server, the status in column 18). */
  private boolean allUp(int statsPort) {
    try {
      String csv = ClusterNodes.send("http://127.0.0.1:" + statsPort, "GET", "/stats;csv", null).body();
      return csv.lines().filter(l -> l.startsWith("nodes,node")).filter(l -> l.split(",")[17].equals("UP")).count() == 3;
    } catch (Exception notYet) {
      return false;
    }
  }

  /**
   * Round-robin; a node is taken out after three failed checks of {@code HEAD /products} (a node
   * busy on two shared cores may take a while to answer one: 5 s); a request
   * whose connection fails (a node that stops listening as it leaves) is sent to another node.
   */
  static String config(int port, int statsPort, ClusterNodes cluster) {
    String servers = cluster.nodes.stream()
      .map(n -> "  server node" + n.index + " 127.0.0.1:" + n.httpPort + " check inter 1s fall 3 rise 2")
      .collect(Collectors.joining("\n"));
    return String.join("\n",
      "defaults",
      "  mode http",
      "  timeout connect 2s",
      "  timeout client 180s",
      "  timeout server 180s",
      "  timeout check 5s",
      "  retries 3",
      "  option redispatch 1",
      "  retry-on conn-failure empty-response",
      "  option http-buffer-request",
      "  http-reuse never",
      "listen stats",
      "  bind 127.0.0.1:" + statsPort,
      "  stats enable",
      "  stats uri /stats",
      "frontend tdx",
      "  bind 127.0.0.1:" + port,
      "  default_backend nodes",
      "backend nodes",
      "  balance roundrobin",
      "  option httpchk HEAD /products",
      servers, "");
  }

  private static boolean listening(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String log() {
    try {
      return Files.readString(root.resolve("haproxy.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @AfterAll
  void stopHaproxy() {
    if (haproxy != null) {
      haproxy.destroyForcibly();
    }
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    return ClusterNodes.send(url, method, path, body, headers);
  }

  /** Starts a transaction through the balancer; its id. */
  private String begin(boolean async) throws Exception {
    HttpResponse<String> started = send("POST", "/txn/start" + (async ? "?async=true" : ""), null);
    assertStatus(201, started);
    return new JsonObject(started.body()).getString("id");
  }

  /** One asynchronous transaction through the balancer: every request may reach another node. */
  private void asynchronous(String tag, int rows) throws Exception {
    String id = begin(true);
    assertStatus(201, send("POST", "/products?txn=" + id, ClusterTest.products(tag, 10)));
    assertStatus(201, send("POST", "/sales?txn=" + id, ClusterTest.sales(tag, 10, tag, rows)));
    assertStatus(202, send("POST", "/txn/" + id + "/commit", "{\"parts\": [\"p1\", \"p2\"]}"));
    HttpResponse<String> poll = send("GET", "/txn/" + id + "/poll?wait=60", null);
    assertStatus(303, poll);
    HttpResponse<String> fetched = send("GET", "/txn/" + id, null);
    assertStatus(200, fetched);
    JsonObject document = new JsonObject(fetched.body());
    assertEquals("COMMITTED", document.getString("state"), document.encodePrettily());
    assertStatus(200, send("GET", "/txn/" + id + "/p2", null, "Accept", "text/csv"));
  }

  /** One synchronous transaction through the balancer: the parts and the commit held on whichever nodes they reach. */
  private void synchronous(String tag, int rows, ExecutorService clients) throws Exception {
    String id = begin(false);
    Future<HttpResponse<String>> products = clients.submit(() -> send("POST", "/products?txn=" + id, ClusterTest.products(tag, 10)));
    Future<HttpResponse<String>> sales = clients.submit(() -> send("POST", "/sales?txn=" + id, ClusterTest.sales(tag, 10, tag, rows)));
    HttpResponse<String> commit = send("POST", "/txn/" + id + "/commit?count=2", null);
    assertStatus(200, commit);
    assertEquals("COMMITTED", new JsonObject(commit.body()).getString("state"));
    assertStatus(200, products.get());
    assertStatus(200, sales.get());
  }

  @Test
  @Order(1)
  @DisplayName("both protocols, eight clients at once")
  void protocolsThroughTheBalancer() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(24);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String tag = "HB" + i + "X";
        runs.add(clients.submit(() -> {
          asynchronous(tag + "A", 2_000);
          synchronous(tag + "S", 2_000, clients);
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(300, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }
    assertEquals(8 * 2 * 2_000L, cluster.count("SELECT count(*) FROM sales WHERE \"STORE\" LIKE 'HB%'"));
  }

  @Test
  @Order(2)
  @DisplayName("a node stopped with SIGTERM while transactions run through the balancer: no client sees an error")
  void nodeLeavesUnderLoad() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(12);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String tag = "HL" + i + "X";
        runs.add(clients.submit(() -> {
          for (int n = 0; n < 12; n++) {
            asynchronous(tag + n + "A", 500);
            synchronous(tag + n + "S", 500, clients);
          }
          return null;
        }));
      }
      Thread.sleep(3000);
      cluster.terminate(1);
      for (Future<?> run : runs) {
        run.get(300, TimeUnit.SECONDS);
      }
      assertTrue(cluster.node(1).process.waitFor(60, TimeUnit.SECONDS), () -> ClusterNodes.tail(cluster.node(1)));
    } finally {
      clients.shutdownNow();
    }
    assertEquals(4 * 12 * 2 * 500L, cluster.count("SELECT count(*) FROM sales WHERE \"STORE\" LIKE 'HL%'"));
  }
}
