package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    try (ServerProcess server = ServerProcess.start(List.of(), Map.of(
      "TDX_CONF", Path.of("conf/tdx.json").toAbsolutePath().toString(), "TDX_DATA_DIR", dataDir.toString()))) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/products"))
        .POST(HttpRequest.BodyPublishers.ofString("SKU,PRICE\nA1,1\n")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());

      assertEquals(143, server.terminate());
      assertTrue(server.log.stream().anyMatch(l -> l.contains("workspace closed")), server.log::toString);
      assertTrue(server.log.stream().anyMatch(l -> l.contains("Main - stopped")), server.log::toString);
    }
  }

  @Test
  @DisplayName("a port already taken: one line naming the address, exit 1, no stop of a server that never started")
  void portTaken() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.tdx.cli.Main", "serve", "--port", Integer.toString(taken.getLocalPort()),
        "--conf", Path.of("conf/tdx.json").toAbsolutePath().toString(), "--data-dir", dataDir.toString())
        .redirectErrorStream(true);
      builder.environment().putAll(TestWorkspace.environment(dataDir));
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), output);
      assertEquals(1, process.exitValue(), output);
      assertTrue(output.contains("[ERROR] Main - cannot start: cannot listen on 127.0.0.1:" + taken.getLocalPort()
        + ": Address already in use"), output);
      assertTrue(!output.contains("did not stop cleanly") && !output.contains("\tat "), output);
    }
  }
}
