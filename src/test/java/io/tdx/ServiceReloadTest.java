package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Services are loaded and unloaded while the server runs")
class ServiceReloadTest extends ServerTest {
  JsonObject fileConfig;

  @Override
  JsonObject configure(JsonObject config) {
    fileConfig = config.copy();
    return config.put("configFile", configFile().toString());
  }

  Path configFile() {
    return dataDir.resolve("tdx.json");
  }

  void writeServices(JsonArray services) throws IOException {
    Files.writeString(configFile(), fileConfig.copy().put("services", services).encodePrettily());
  }

  HttpResponse<Buffer> reload() {
    return TestServer.await(tdx.request(HttpMethod.POST, "/tdx/services/reload").send());
  }

  JsonArray shippedServices() {
    return fileConfig.getJsonArray("services").copy();
  }

  @Test
  @DisplayName("GET /tdx/services lists the declarations in use")
  void list() {
    HttpResponse<Buffer> response = tdx.get("/tdx/services");
    assertEquals(200, response.statusCode());
    assertEquals(shippedServices(), response.bodyAsJsonObject().getJsonArray("services"));
  }

  @Test
  @DisplayName("a service added to the file is served after a reload, with its new table")
  void addService() throws IOException {
    assertEquals(404, tdx.get("/stores").statusCode());
    writeServices(shippedServices().add(new JsonObject().put("prefix", "/stores").put("columns", new JsonArray()
      .add(new JsonObject().put("name", "STORE").put("type", "string").put("key", true)))));
    HttpResponse<Buffer> response = reload();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(3, response.bodyAsJsonObject().getJsonArray("services").size());
    assertEquals(200, tdx.post("/stores", "STORE\nS1\n").statusCode());
    assertEquals("STORE\nS1\n", tdx.export("/stores"));
  }

  @Test
  @DisplayName("a service left out is no longer served, and its rows come back when it is loaded again")
  void unloadAndReload() throws IOException {
    tdx.post("/products", ImportTest.PRODUCTS);
    JsonArray productsOnly = new JsonArray().add(shippedServices().getJsonObject(0));
    writeServices(productsOnly);
    assertEquals(200, reload().statusCode());
    RequestErrorsTest.problem(tdx.get("/sales"), 404, "not-found");
    assertEquals(ImportTest.PRODUCTS, tdx.export("/products"));
    writeServices(shippedServices());
    assertEquals(200, reload().statusCode());
    assertEquals("SKU,STORE,WEEK,UNITS,REVENUE\n", tdx.export("/sales"));
  }

  @Test
  @DisplayName("an invalid file is a 409 naming the problem, and the services in use stay as they were")
  void invalidReload() throws IOException {
    JsonArray broken = shippedServices();
    broken.getJsonObject(0).getJsonArray("columns").getJsonObject(2).put("type", "float").remove("precision");
    broken.getJsonObject(0).getJsonArray("columns").getJsonObject(2).remove("scale");
    writeServices(broken);
    JsonObject problem = RequestErrorsTest.problem(reload(), 409, "configuration-rejected");
    assertTrue(problem.getString("detail").contains("column 'PRICE' is declared " + TestWorkspace.type("DOUBLE")), problem.encode());
    assertEquals(200, tdx.post("/products", "SKU,PRICE\nA1,1.50\n").statusCode());
    assertEquals("SKU,DESCRIPTION,PRICE\nA1,,1.50\n", tdx.export("/products"));
  }

  @Test
  @DisplayName("an embedding application loads services through TdxServer.loadServices")
  void loadThroughTheApi() {
    JsonArray services = shippedServices().add(new JsonObject().put("prefix", "/regions").put("columns", new JsonArray()
      .add(new JsonObject().put("name", "REGION").put("type", "string").put("key", true))));
    assertEquals(3, TestServer.await(tdx.server().loadServices(services)).all().size());
    assertEquals(200, tdx.post("/regions", "REGION\nNorth\n").statusCode());
    assertEquals("REGION\nNorth\n", tdx.export("/regions"));
  }
}
