package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tdx.config.ConfigLoader;
import io.tdx.files.CloudClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A real TDX server for tests, on the engine the run is for ({@link TestWorkspace}): its own Vert.x with the blocked-thread checker set low (any
 * event loop blocked for 200 ms is recorded and fails the test), a temporary data directory,
 * a random free port, and a web client.
 */
public final class TestServer implements AutoCloseable {
  static final long TIMEOUT_SECONDS = 60;
  private final Vertx vertx;
  private final List<String> blocked = new CopyOnWriteArrayList<>();
  private final Path dataDir;
  private final JsonObject config;
  private TdxServer server;
  /** Class loading while verticles start is not a blocked request; only the serving server is checked. */
  private volatile boolean serving;
  private WebClient client;

  private final CloudClients clients;

  private TestServer(Path dataDir, JsonObject config, CloudClients clients) {
    this.dataDir = dataDir;
    this.config = config;
    this.clients = clients;
    // the transport `serve` prefers (ServeCommand): epoll here
    this.vertx = Vertx.vertx(new VertxOptions()
      .setPreferNativeTransport(true)
      .setBlockedThreadCheckInterval(50)
      .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
      .setMaxEventLoopExecuteTime(200)
      .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
      .setMaxWorkerExecuteTime(10)
      .setMaxWorkerExecuteTimeUnit(TimeUnit.MINUTES));
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(this::blocked);
  }

  /**
   * Records an event loop caught blocked inside the server's own code or JDBC while it serves. On this shared
   * 2-core machine an event loop can also be starved of CPU for a moment, or be caught loading a class
   * for the first time (reading the jar, once per class and JVM); those are reported, not failed.
   */
  private void blocked(BlockedThreadEvent event) {
    StackTraceElement[] stack = event.thread().getStackTrace();
    String trace = Arrays.stream(stack).limit(30).map(f -> "\n  at " + f).collect(Collectors.joining());
    boolean ours = serving && Arrays.stream(stack).anyMatch(TestServer::serverCode);
    if (ours && !loadingClass(stack)) {
      blocked.add(event + trace);
    } else {
      System.err.println("event loop slow (not in server code, or loading a class): " + event + trace);
    }
  }

  private static boolean serverCode(StackTraceElement frame) {
    String name = frame.getClassName();
    return name.startsWith("io.tdx.") || name.startsWith("org.duckdb.") || name.startsWith("java.sql.")
      || name.startsWith("com.fasterxml.jackson.dataformat.csv.");
  }

  /** Whether the thread is inside a class loader's {@code loadClass} above (called by) any server frame. */
  static boolean loadingClass(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      if (serverCode(frame)) {
        return false;
      }
      if (frame.getClassName().equals("java.lang.ClassLoader") && frame.getMethodName().equals("loadClass")) {
        return true;
      }
    }
    return false;
  }

  /** The shipped configuration ({@code conf/tdx.json}) on a fresh data directory. */
  public static JsonObject shippedConfig(Path dataDir) {
    JsonObject config = ConfigLoader.load(Map.of()).put("dataDir", dataDir.toString())
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2));
    config.put("workspace", TestWorkspace.configure(config.getJsonObject("workspace", new JsonObject()), dataDir));
    return config;
  }

  public static TestServer start(Path dataDir) {
    return start(dataDir, UnaryOperator.identity());
  }

  public static TestServer start(Path dataDir, UnaryOperator<JsonObject> customize) {
    return start(dataDir, customize, CloudClients.FROM_CONFIGURATION);
  }

  public static TestServer start(Path dataDir, UnaryOperator<JsonObject> customize, CloudClients clients) {
    TestServer test = new TestServer(dataDir, customize.apply(shippedConfig(dataDir)), clients);
    try {
      test.startServer();
    } catch (RuntimeException e) {
      await(test.vertx.close());
      throw e;
    }
    return test;
  }

  private void startServer() {
    server = await(Tdx.start(vertx, config, clients));
    serving = true;
    client = WebClient.create(vertx, new WebClientOptions()
      .setDefaultHost("127.0.0.1").setDefaultPort(server.port()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
  }

  /** Stops the server and starts it again on the same data directory. */
  public void restart() {
    serving = false;
    client.close();
    await(server.stop());
    startServer();
  }

  public void stopServer() {
    client.close();
    await(server.stop());
  }

  public TdxServer server() {
    return server;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Path dataDir() {
    return dataDir;
  }

  public int port() {
    return server.port();
  }

  public WebClient client() {
    return client;
  }

  public HttpRequest<Buffer> request(HttpMethod method, String uri) {
    return client.request(method, uri);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String uri, String body) {
    return await(client.request(method, uri).sendBuffer(Buffer.buffer(body)));
  }

  public HttpResponse<Buffer> post(String uri, String csv) {
    return send(HttpMethod.POST, uri, csv);
  }

  public HttpResponse<Buffer> put(String uri, String csv) {
    return send(HttpMethod.PUT, uri, csv);
  }

  public HttpResponse<Buffer> delete(String uri, String csv) {
    return send(HttpMethod.DELETE, uri, csv);
  }

  public HttpResponse<Buffer> get(String uri) {
    return await(client.get(uri).send());
  }

  /** The service's export body, checking it answered 200. */
  public String export(String service) {
    HttpResponse<Buffer> response = get(service);
    assertEquals(200, response.statusCode(), () -> response.bodyAsString());
    return response.bodyAsString();
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Forgets what the checker saw (for the test that checks the checker). */
  void forgetBlocked() {
    blocked.clear();
  }

  /** Event-loop threads the checker saw blocked. */
  public List<String> blockedThreads() {
    return List.copyOf(blocked);
  }

  @Override
  public void close() {
    try {
      if (client != null) {
        client.close();
      }
      if (server != null) {
        await(server.stop());
      }
    } catch (RuntimeException ignored) {
      // already stopped
    } finally {
      await(vertx.close());
    }
    assertEquals(List.of(), blockedThreads(), "an event loop was blocked");
  }
}
