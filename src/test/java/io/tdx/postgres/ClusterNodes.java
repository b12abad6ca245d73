package io.tdx.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.TestWorkspace;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Server nodes of one cluster, each a {@code serve --cluster} process of its own (its own data
 * directory, HTTP port and Hazelcast port, all free ports on loopback), on one PostgreSQL schema.
 */
final class ClusterNodes implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final Path root;
  final List<Node> nodes = new ArrayList<>();
  private final String members;
  /** More of each node's environment (a configuration of its own), and the token the harness's own requests carry. */
  private Map<String, String> environment = Map.of();
  private String token;

  /** One node: its ports, data directory and, while it runs, its process and what it logged. */
  static final class Node {
    final int index;
    final int httpPort;
    final int clusterPort;
    final Path dataDir;
    Process process;
    final List<String> log = new CopyOnWriteArrayList<>();

    Node(int index, int httpPort, int clusterPort, Path dataDir) {
      this.index = index;
      this.httpPort = httpPort;
      this.clusterPort = clusterPort;
      this.dataDir = dataDir;
    }

    String url() {
      return "http://127.0.0.1:" + httpPort;
    }
  }

  private ClusterNodes(Path root, int count) throws Exception {
    this.root = root;
    for (int i = 0; i < count; i++) {
      nodes.add(new Node(i, freePort(), freePort(), root.resolve("node-" + i)));
    }
    this.members = nodes.stream().map(n -> "127.0.0.1:" + n.clusterPort).collect(Collectors.joining(","));
  }

  /**
   * Starts {@code count} nodes at once on an empty schema (they create its tables together) and
   * waits until each sees them all.
   */
  static ClusterNodes start(Path root, int count) throws Exception {
    return start(root, count, Map.of(), null);
  }

  /** As {@link #start(Path, int)}, each node with more {@code environment}; the harness sends {@code token} (null: none). */
  static ClusterNodes start(Path root, int count, Map<String, String> environment, String token) throws Exception {
    ClusterNodes cluster = new ClusterNodes(root, count);
    cluster.environment = environment;
    cluster.token = token;
    try {
      for (int i = 0; i < count; i++) {
        cluster.launch(i);
      }
      for (int i = 0; i < count; i++) {
        cluster.awaitReady(i);
      }
      cluster.awaitMembers(count);
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * A port free now, below the ephemeral range: the nodes bind theirs a few seconds later, and
   * meanwhile Hazelcast's outgoing connections take ephemeral ports, which once took a node's
   * HTTP port ("Address already in use").
   */
  static int freePort() throws Exception {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      try (ServerSocket free = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return free.getLocalPort();
      } catch (java.io.IOException taken) {
        // another one
      }
    }
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  Node node(int index) {
    return nodes.get(index);
  }

  /** Starts node {@code index} (again, after a kill or a stop: same ports, same data directory). */
  void launch(int index) throws Exception {
    Node node = nodes.get(index);
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
      "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), "io.tdx.cli.Main", "serve", "--cluster");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(TestWorkspace.environment(root)); // one schema for every node
    builder.environment().putAll(Map.of("TDX_DATA_DIR", node.dataDir.toString(), "TDX_HTTP_PORT", Integer.toString(node.httpPort),
      "TDX_CLUSTER_PORT", Integer.toString(node.clusterPort), "TDX_CLUSTER_MEMBERS", members, "TDX_CLUSTER_HOST", "127.0.0.1"));
    builder.environment().putAll(environment);
    node.log.clear();
    node.process = builder.start();
    Process process = node.process;
    Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
      .lines().forEach(node.log::add), "node-" + index + "-log");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts node {@code index} again and waits until every running node counts them all. */
  void restart(int index) throws Exception {
    launch(index);
    awaitReady(index);
    awaitMembers((int) nodes.stream().filter(n -> n.process != null && n.process.isAlive()).count());
  }

  void awaitReady(int index) throws Exception {
    Node node = nodes.get(index);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (node.log.stream().noneMatch(l -> l.contains("TDX server listening on http://") && l.contains(":" + node.httpPort + " ("))) {
      assertTrue(node.process.isAlive() && System.nanoTime() < deadline, () -> "node " + index + " is not ready: " + tail(node));
      Thread.sleep(100);
    }
  }

  /** Waits until every running node counts {@code count} members. */
  void awaitMembers(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Node node : nodes) {
      if (node.process == null || !node.process.isAlive()) {
        continue;
      }
      while (true) {
        HttpResponse<String> answer = token == null ? send(node.index, "GET", "/tdx/cluster", null)
          : send(node.index, "GET", "/tdx/cluster", null, "Authorization", "Bearer " + token);
        if (answer.statusCode() == 200 && new JsonObject(answer.body()).getJsonArray("members").size() == count) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, () -> "node " + node.index + " sees " + answer.body() + ", not " + count + " members");
        Thread.sleep(200);
      }
    }
  }

  /** SIGKILL: the node dies at once, with its connections (the database rolls its work back). */
  void kill(int index) throws Exception {
    Process process = nodes.get(index).process;
    process.destroyForcibly();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
  }

  /** SIGTERM, as an operator stops a node; does not wait. */
  void terminate(int index) {
    nodes.get(index).process.toHandle().destroy();
  }

  static String tail(Node node) {
    List<String> log = node.log;
    return String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size()));
  }

  /** A request to one node; {@code body} null for none; headers as name, value pairs. */
  HttpResponse<String> send(int index, String method, String path, String body, String... headers) throws Exception {
    return send(nodes.get(index).url(), method, path, body, headers);
  }

  static HttpResponse<String> send(String base, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> sendBytes(String base, String method, String path, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
      .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A connection to the cluster's schema. */
  Connection connect() throws Exception {
    return TestWorkspace.connect(root);
  }

  long count(String sql) throws Exception {
    try (Connection connection = connect(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      assertTrue(rows.next());
      return rows.getLong(1);
    }
  }

  static void assertStatus(int expected, HttpResponse<?> response) {
    assertEquals(expected, response.statusCode(), () -> response.request().method() + " " + response.request().uri() + ": "
      + response.body());
  }

  @Override
  public void close() {
    for (Node node : nodes) {
      if (node.process != null) {
        node.process.destroyForcibly();
      }
    }
    for (Node node : nodes) {
      try {
        if (node.process != null) {
          node.process.waitFor(30, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
