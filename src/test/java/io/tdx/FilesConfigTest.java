package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.config.ConfigException;
import io.tdx.config.ConfigLoader;
import io.tdx.config.FilesConfig;
import io.tdx.config.TdxConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("files.* configuration: allowed hosts are host:port, timeouts are positive")
class FilesConfigTest {

  static TdxConfig withFiles(JsonObject files) {
    return TdxConfig.from(ConfigLoader.load(Map.of()).put("files", files));
  }

  @Test
  @DisplayName("host:port entries are kept in lower case; the fetch timeouts have their defaults")
  void hostPorts() {
    FilesConfig files = withFiles(new JsonObject().put("httpAllowHosts",
      new JsonArray().add("MinIO.internal:9000").add("127.0.0.1:8080").add("[::1]:8443"))).files();
    assertEquals(List.of("minio.internal:9000", "127.0.0.1:8080", "[::1]:8443"), files.httpAllowHosts());
    assertEquals(10, files.httpConnectTimeoutSeconds());
    assertEquals(30, files.httpIdleTimeoutSeconds());
    assertEquals(300, files.httpTimeoutSeconds());
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("an httpAllowHosts entry without a port, or with a port that is not one, stops the start")
  @ValueSource(strings = {"127.0.0.1", "minio.internal", "::1", "[::1]", "127.0.0.1:0", "127.0.0.1:65536", "host:port", "http://h:80"})
  void allowHostsNeedAPort(String entry) {
    String message = assertThrows(ConfigException.class,
      () -> withFiles(new JsonObject().put("httpAllowHosts", new JsonArray().add(entry)))).getMessage();
    assertTrue(message.contains("host:port") && message.contains(entry), message);
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("a fetch timeout below one second stops the start")
  @ValueSource(strings = {"httpTimeoutSeconds", "httpConnectTimeoutSeconds", "httpIdleTimeoutSeconds"})
  void timeoutsArePositive(String field) {
    String message = assertThrows(ConfigException.class, () -> withFiles(new JsonObject().put(field, 0))).getMessage();
    assertTrue(message.contains(field), message);
  }
}
