package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A reference declared with onMissing: accumulate creates the keys it lacks")
class AccumulateTest extends ServerTest {

  @Override
  JsonObject configure(JsonObject config) {
    config.getJsonArray("services")
      .add(new JsonObject().put("prefix", "/colors").put("columns", new JsonArray()
        .add(new JsonObject().put("name", "COLOR").put("type", "string").put("key", true))
        .add(new JsonObject().put("name", "NAME").put("type", "string").put("optional", true))))
      .add(new JsonObject().put("prefix", "/paints").put("columns", new JsonArray()
        .add(new JsonObject().put("name", "ID").put("type", "int").put("key", true))
        .add(new JsonObject().put("name", "COLOR").put("type", "string")
          .put("reference", new JsonObject().put("service", "/colors").put("onMissing", "accumulate")))));
    return config;
  }

  @Test
  @DisplayName("unknown colors are added to /colors in the same transaction as the paints")
  void accumulates() {
    tdx.post("/colors", "COLOR,NAME\nRED,Red\n");
    HttpResponse<Buffer> response = tdx.post("/paints", "ID,COLOR\n1,RED\n2,BLUE\n3,BLUE\n");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("3", response.getHeader("TDX-Rows-Inserted"));
    assertEquals("0", response.getHeader("TDX-Rows-Rejected"));
    assertEquals("COLOR,NAME\nBLUE,\nRED,Red\n", tdx.export("/colors"));
    assertEquals("ID,COLOR\n1,RED\n2,BLUE\n3,BLUE\n", tdx.export("/paints"));
  }

  @Test
  @DisplayName("an import aborted by abort_on_error adds no color either")
  void abortedImportAddsNothing() {
    HttpResponse<Buffer> response = tdx.post("/paints?abort_on_error=true", "ID,COLOR\n1,GREEN\nx,GREEN\n");
    assertEquals(422, response.statusCode());
    assertEquals("COLOR,NAME\n", tdx.export("/colors"));
  }
}
