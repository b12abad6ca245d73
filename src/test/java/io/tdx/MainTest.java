package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The command line: serve, then SIGTERM")
class MainTest {
  @TempDir
  Path dataDir;

  @Test
  @DisplayName("serve logs its URL when ready, imports, and on SIGTERM stops cleanly and closes the workspace")
  void serveAndTerminate() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), "io.tdx.cli.Main", "serve").redirectErrorStream(true);
    builder.environment().put("TDX_CONF", Path.of("conf/tdx.json").toAbsolutePath().toString());
    builder.environment().put("TDX_DATA_DIR", dataDir.toString());
    builder.environment().put("TDX_HTTP_PORT", Integer.toString(port));
    Process server = builder.start();
    List<String> log = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
      .lines().forEach(log::add));
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (log.stream().noneMatch(l -> l.contains("TDX server listening on http://localhost:" + port))) {
        assertTrue(server.isAlive() && System.nanoTime() < deadline, () -> "no ready line: " + log);
        Thread.sleep(50);
      }
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/products"))
        .POST(HttpRequest.BodyPublishers.ofString("SKU,PRICE\nA1,1\n")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());

      server.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
      assertTrue(server.waitFor(30, TimeUnit.SECONDS), () -> "still running 30 s after SIGTERM: " + log);
      reader.join(5000);
      assertEquals(143, server.exitValue());
      assertTrue(log.stream().anyMatch(l -> l.contains("workspace closed")), log::toString);
      assertTrue(log.stream().anyMatch(l -> l.contains("Main - stopped")), log::toString);
    } finally {
      server.destroyForcibly();
    }
  }
}
