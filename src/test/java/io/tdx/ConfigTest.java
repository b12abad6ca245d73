package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdx.config.ConfigException;
import io.tdx.config.ConfigLoader;
import io.tdx.config.TdxConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

@DisplayName("Service declarations are checked at start, with messages that name the service and field")
class ConfigTest {

  static JsonObject withColumn(JsonObject column) {
    JsonObject config = ConfigLoader.load(Map.of());
    config.getJsonArray("services").getJsonObject(0).getJsonArray("columns").add(column);
    return config;
  }

  static String failure(JsonObject config) {
    return assertThrows(ConfigException.class, () -> TdxConfig.from(config)).getMessage();
  }

  @Test
  @DisplayName("the shipped configuration declares /products and /sales as PROTOCOL.md does")
  void shipped() {
    TdxConfig config = TdxConfig.from(ConfigLoader.load(Map.of()));
    assertEquals(2, config.services().all().size());
    assertEquals("[SKU, STORE, WEEK]", config.services().get("/sales").keys().stream().map(c -> c.name()).toList().toString());
    assertEquals("/products", config.services().get("/sales").column("SKU").orElseThrow().reference().service());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "{\"name\":\"X\",\"type\":\"decimel\"}|service '/products': column 'X': field 'type': unknown type 'decimel'",
    "{\"name\":\"X\",\"type\":\"int\",\"checks\":[\"1..x\"]}|service '/products': column 'X': field 'checks'",
    "{\"name\":\"X\",\"type\":\"string\",\"checks\":[\">= 1\"]}|does not apply to a string column",
    "{\"name\":\"X\",\"type\":\"int\",\"colour\":\"red\"}|service '/products': column 'X': unknown field 'colour'",
    "{\"name\":\"X\",\"type\":\"int\",\"key\":true,\"optional\":true}|field 'optional': a key column cannot be optional",
    "{\"name\":\"X\",\"type\":\"int\",\"scale\":2}|field 'precision'/'scale' applies only to decimal columns",
    "{\"name\":\"X\",\"type\":\"decimal\",\"precision\":40}|need 1 <= precision <= 38",
    "{\"name\":\"X\",\"type\":\"string\",\"reference\":\"/nowhere\"}|column 'X': field 'reference': no service /nowhere",
    "{\"name\":\"SKU\",\"type\":\"string\"}|column 'SKU' is declared twice",
    "{\"name\":\"X\",\"type\":\"string\",\"format\":\"dd/MM\"}|field 'format' applies only to date columns"
  })
  @DisplayName("a bad column declaration stops the server with a message naming it")
  void badColumn(String column, String message) {
    String failure = failure(withColumn(new JsonObject(column)));
    assertTrue(failure.contains(message), failure);
  }

  @Test
  @DisplayName("a service without key, with a reserved prefix or a bad delimiter is refused")
  void badService() {
    JsonObject noKey = ConfigLoader.load(Map.of());
    noKey.getJsonArray("services").getJsonObject(0).put("columns",
      new JsonArray().add(new JsonObject().put("name", "A").put("type", "string")));
    assertTrue(failure(noKey).contains("service '/products': field 'columns': at least one column must be a key"));

    JsonObject reserved = ConfigLoader.load(Map.of());
    reserved.getJsonArray("services").getJsonObject(0).put("prefix", "/txn");
    assertTrue(failure(reserved).contains("/txn is reserved"));

    JsonObject delimiter = ConfigLoader.load(Map.of());
    delimiter.getJsonArray("services").getJsonObject(0).put("delimiter", ";;");
    assertTrue(failure(delimiter).contains("service '/products': field 'delimiter' must be a single character"));
  }

  @Test
  @DisplayName("accumulate needs the referenced service's other columns to be optional")
  void accumulateNeedsOptionalColumns() {
    JsonObject config = ConfigLoader.load(Map.of());
    config.getJsonArray("services").getJsonObject(1).getJsonArray("columns").getJsonObject(0)
      .put("reference", new JsonObject().put("service", "/products").put("onMissing", "accumulate"));
    assertTrue(failure(config).contains("accumulate needs every non-key column of /products to be optional"));
  }

  @Test
  @DisplayName("TDX_HTTP_PORT and TDX_DATA_DIR override the file")
  void environment() {
    JsonObject config = ConfigLoader.load(Map.of("TDX_HTTP_PORT", "9999", "TDX_DATA_DIR", "/tmp/elsewhere"));
    TdxConfig parsed = TdxConfig.from(config);
    assertEquals(9999, parsed.port());
    assertEquals("/tmp/elsewhere", parsed.dataDir().toString());
    assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("TDX_HTTP_PORT", "eighty")));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("TDX_CONF", "/no/such.json")))
      .getMessage().contains("/no/such.json"));
  }

  @Test
  @DisplayName("the server binds loopback unless told otherwise; TDX_HTTP_HOST binds another interface")
  void host() {
    assertEquals("127.0.0.1", TdxConfig.from(ConfigLoader.load(Map.of())).host());
    JsonObject unset = ConfigLoader.load(Map.of());
    unset.getJsonObject("http").remove("host");
    assertEquals("127.0.0.1", TdxConfig.from(unset).host());
    // another interface than loopback is served to anyone who reaches it: that takes auth, or saying auth.none
    JsonObject open = ConfigLoader.load(Map.of("TDX_HTTP_HOST", " 0.0.0.0 "));
    assertThrows(ConfigException.class, () -> TdxConfig.from(open));
    assertEquals("0.0.0.0", TdxConfig.from(open.put("auth", new JsonObject().put("none", true))).host());
  }

  @Test
  @DisplayName("http.accessLog defaults to true and may be turned off")
  void accessLog() {
    assertTrue(TdxConfig.from(ConfigLoader.load(Map.of())).accessLog());
    JsonObject off = ConfigLoader.load(Map.of());
    off.getJsonObject("http").put("accessLog", false);
    assertEquals(false, TdxConfig.from(off).accessLog());
  }

  @Test
  @DisplayName("limits.maxInFlight defaults to 256 and must be positive")
  void maxInFlight() {
    assertEquals(256, TdxConfig.from(ConfigLoader.load(Map.of())).limits().maxInFlight());
    JsonObject config = ConfigLoader.load(Map.of());
    config.getJsonObject("limits").put("maxInFlight", 0);
    assertTrue(failure(config).contains("limits"));
  }
}
