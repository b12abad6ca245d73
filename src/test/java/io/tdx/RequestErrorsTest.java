package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Bad requests get a problem document that names what is wrong")
class RequestErrorsTest extends ServerTest {

  @Override
  JsonObject configure(JsonObject config) {
    config.getJsonObject("limits").put("maxBodyBytes", 4096).put("maxLineChars", 200).put("maxFields", 8)
      .put("maxHeaderChars", 100);
    JsonArray services = config.getJsonArray("services");
    services.add(new JsonObject().put("prefix", "/stores").put("table", "stores").put("exportOnly", true)
      .put("columns", new JsonArray().add(new JsonObject().put("name", "STORE").put("type", "string").put("key", true))));
    return config;
  }

  static JsonObject problem(HttpResponse<Buffer> response, int status, String type) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    JsonObject problem = response.bodyAsJsonObject();
    assertEquals("urn:tdx:problem:" + type, problem.getString("type"));
    assertEquals(status, problem.getInteger("status"));
    return problem;
  }

  @Nested
  @DisplayName("headers that cannot be imported are a 400")
  class Headers {
    @Test
    @DisplayName("an unknown column is named")
    void unknownColumn() {
      JsonObject problem = problem(tdx.post("/products", "SKU,PRICE,COLOR\nA1,1,red\n"), 400, "unknown-column");
      assertEquals("COLOR", problem.getString("column"));
      assertTrue(problem.getString("detail").contains("ignore_unknown_columns"), problem.encode());
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("ignore_unknown_columns=true drops unknown columns and imports the rest")
    void ignoreUnknownColumns() {
      HttpResponse<Buffer> response = tdx.post("/products?ignore_unknown_columns=true", "SKU,COLOR,PRICE\nA1,red,1\n");
      assertEquals(200, response.statusCode());
      assertEquals("SKU,DESCRIPTION,PRICE\nA1,,1.00\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("a missing required column is named")
    void missingColumn() {
      JsonObject problem = problem(tdx.post("/products", "SKU,DESCRIPTION\nA1,x\n"), 400, "missing-column");
      assertEquals("PRICE", problem.getString("column"));
    }

    @Test
    @DisplayName("a DELETE needs only the key columns")
    void deleteNeedsKeysOnly() {
      tdx.post("/products", "SKU,PRICE\nA1,1\n");
      assertEquals(200, tdx.delete("/products", "SKU\nA1\n").statusCode());
      problem(tdx.delete("/products", "PRICE\n1\n"), 400, "missing-column");
    }

    @Test
    @DisplayName("a column named twice is named")
    void duplicateColumn() {
      JsonObject problem = problem(tdx.post("/products", "SKU,PRICE,SKU\nA1,1,A1\n"), 400, "duplicate-column");
      assertEquals("SKU", problem.getString("column"));
    }

    @Test
    @DisplayName("an empty body has no header")
    void emptyBody() {
      problem(tdx.post("/products", ""), 400, "empty-body");
    }

    @Test
    @DisplayName("a header row past limits.maxHeaderChars is refused")
    void headerTooLong() {
      String header = "SKU,PRICE," + "X".repeat(120);
      problem(tdx.post("/products?ignore_unknown_columns=true", header + "\nA1,1,x\n"), 400, "header-too-long");
    }
  }

  @Nested
  @DisplayName("malformed CSV and oversized input")
  class Malformed {
    @Test
    @DisplayName("an unclosed quote is a 400 with the line where the record starts, and nothing is written")
    void unclosedQuote() {
      JsonObject problem = problem(tdx.post("/products", "SKU,PRICE\nA1,1\nB2,\"2\n"), 400, "malformed-csv");
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
      assertTrue(problem.getLong("line") >= 3, problem.encode());
    }

    @Test
    @DisplayName("a record longer than limits.maxLineChars is a 400 naming the limit and the line")
    void lineTooLong() {
      JsonObject problem = problem(tdx.post("/products", "SKU,DESCRIPTION,PRICE\nA1,x,1\nB2," + "y".repeat(300) + ",1\n"),
        400, "line-too-long");
      assertEquals(3, problem.getLong("line"));
      assertTrue(problem.getString("detail").contains("limits.maxLineChars"), problem.encode());
    }

    @Test
    @DisplayName("a record with more than limits.maxFields fields is a 400")
    void tooManyFields() {
      problem(tdx.post("/products", "SKU,PRICE\nA1,1,2,3,4,5,6,7,8,9,10\n"), 400, "too-many-fields");
    }

    @Test
    @DisplayName("a body past limits.maxBodyBytes is a 413 and nothing is written")
    void bodyTooLarge() {
      StringBuilder csv = new StringBuilder("SKU,PRICE\n");
      for (int i = 0; csv.length() < 6000; i++) {
        csv.append("K").append(i).append(",1\n");
      }
      problem(tdx.post("/products", csv.toString()), 413, "body-too-large");
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("a transaction part whose chunked body grows past limits.maxBodyBytes is a 413, and the part FAILED")
    void partTooLarge() throws Exception {
      String txn = Locations.path(tdx.post("/txn/start?async=true", "").getHeader("Location")).substring(5);
      java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      byte[] body = ("SKU,PRICE\n" + "K1,1\n".repeat(2000)).getBytes(StandardCharsets.UTF_8);
      java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + tdx.port() + "/products?txn=" + txn))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(413, response.statusCode(), response.body());
      assertEquals("FAILED", tdx.get("/txn/" + txn + "/p1").bodyAsJsonObject().getString("state"));
    }

    @Test
    @DisplayName("a gzip body past limits.maxBodyBytes once decompressed is a 413 (no gzip bombs)")
    void gzipBomb() {
      StringBuilder csv = new StringBuilder("SKU,PRICE\n");
      for (int i = 0; csv.length() < 20000; i++) {
        csv.append("K").append(i).append(",1\n");
      }
      HttpResponse<Buffer> response = tdx.await(tdx.request(HttpMethod.POST, "/products")
        .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(gzip(csv.toString()))));
      problem(response, 413, "body-too-large");
    }
  }

  @Nested
  @DisplayName("parameters, methods and paths")
  class Requests {
    @Test
    @DisplayName("an unknown query parameter is named")
    void unknownParameter() {
      JsonObject problem = problem(tdx.post("/products?abort_on_eror=true", "SKU,PRICE\nA1,1\n"), 400, "unknown-parameter");
      assertEquals("abort_on_eror", problem.getString("parameter"));
      assertEquals("SKU,DESCRIPTION,PRICE\n", tdx.export("/products"));
    }

    @Test
    @DisplayName("a bad parameter value is named with what is expected")
    void badParameter() {
      JsonObject problem = problem(tdx.post("/products?return_errors=sometimes", "SKU,PRICE\nA1,1\n"), 400, "bad-parameter");
      assertTrue(problem.getString("detail").contains("1, 0 or on_error"), problem.encode());
    }

    @Test
    @DisplayName("an unknown path is a 404")
    void unknownPath() {
      problem(tdx.get("/nothing/here"), 404, "not-found");
    }

    @Test
    @DisplayName("a method a service does not serve is a 405 with Allow")
    void methodNotAllowed() {
      HttpResponse<Buffer> response = tdx.send(HttpMethod.PATCH, "/products", "SKU\nA1\n");
      problem(response, 405, "method-not-allowed");
      assertEquals("GET, HEAD, POST, PUT, DELETE", response.getHeader("Allow"));
    }

    @Test
    @DisplayName("an export-only service refuses imports with 405 and exports")
    void exportOnly() {
      HttpResponse<Buffer> response = tdx.post("/stores", "STORE\nS1\n");
      problem(response, 405, "method-not-allowed");
      assertEquals("GET, HEAD", response.getHeader("Allow"));
      assertEquals("STORE\n", tdx.export("/stores"));
    }
  }

  @Nested
  @DisplayName("gzip both ways")
  class Gzip {
    @Test
    @DisplayName("a gzip-encoded body is imported and an export honours Accept-Encoding: gzip")
    void gzipBothWays() throws IOException {
      HttpResponse<Buffer> imported = tdx.await(tdx.request(HttpMethod.POST, "/products")
        .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(gzip("SKU,PRICE\nA1,1\nB2,2\n"))));
      assertEquals(200, imported.statusCode(), imported.bodyAsString());
      assertEquals("2", imported.getHeader("TDX-Rows-Inserted"));
      HttpResponse<Buffer> exported = tdx.await(tdx.request(HttpMethod.GET, "/products")
        .putHeader("Accept-Encoding", "gzip").send());
      assertEquals("gzip", exported.getHeader("Content-Encoding"));
      try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(exported.body().getBytes()))) {
        assertEquals("SKU,DESCRIPTION,PRICE\nA1,,1.00\nB2,,2.00\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  static byte[] gzip(String text) {
    return gzip(text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
