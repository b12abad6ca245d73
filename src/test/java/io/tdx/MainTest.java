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
}
