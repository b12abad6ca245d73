package io.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tdx.csv.CsvRowReader;
import io.tdx.service.CsvDialect;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LogicBlox's escape dialect (| delimiter, \" quote, \\ escape, no doubled quotes) both ways")
class EscapeDialectTest extends ServerTest {
  static final CsvDialect PIPES = new CsvDialect('|', '"', '\\');

  @Override
  JsonObject configure(JsonObject config) {
    config.getJsonArray("services").add(new JsonObject().put("prefix", "/pipes").put("delimiter", "|").put("quote", "\"")
      .put("escape", "\\").put("columns", new JsonArray()
        .add(new JsonObject().put("name", "K").put("type", "string").put("key", true))
        .add(new JsonObject().put("name", "V").put("type", "string").put("optional", true))
        .add(new JsonObject().put("name", "N").put("type", "int").put("optional", true))));
    return config;
  }

  @Test
  @DisplayName("the escape makes the next character literal: \\t is t, \\| is |, \\\" is \", \\\\ is \\, in and out of quotes")
  void escapedCharactersAreLiteral() throws Exception {
    HttpResponse<Buffer> imported = tdx.post("/pipes", "K|V\n"
      + "a|C:\\temp\\new\n"
      + "b|x\\|y\n"
      + "c|say \\\"hi\\\"\n"
      + "d|back\\\\slash\n"
      + "e|\"quoted \\\" and \\\\ and \\n\"\n"
      + "f|\\0\\r\n");
    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    assertEquals("6", imported.getHeader("TDX-Rows-Inserted"));
    assertEquals(List.of(List.of("K", "V", "N"), List.of("a", "C:tempnew", ""), List.of("b", "x|y", ""),
      List.of("c", "say \"hi\"", ""), List.of("d", "back\\slash", ""), List.of("e", "quoted \" and \\ and n", ""),
      List.of("f", "0r", "")), read(tdx.export("/pipes")));
  }

  @Test
  @DisplayName("an export writes a quote or escape in a value with the escape before it, never doubled; a line break inside quotes")
  void exportsEscapeNotDouble() {
    // written the way the export writes them, so the round trip must give back exactly these bytes
    String csv = "K|V|N\n"
      + "k01|a\\|b|1\n".replace("a\\|b", "\"a|b\"")
      + "k02|say \\\"hi\\\"|2\n"
      + "k03|C:\\\\temp\\\\new|3\n"
      + "k04|\"cr\rx\"|4\n"
      + "k05|\"lf\nx\"|5\n"
      + "k06|\"crlf\r\nx\"|6\n"
      + "k07|tab\tx|7\n"
      + "k08|ends\\\\|8\n"
      + "k09|ünïcødé 日本 🚀|9\n"
      + "k10|\\\"lead|10\n"
      + "k11|x\\\\\\\"y|11\n"
      + "k12|\"\\\"all|of\\\\ it\n\\\"\"|12\n"
      + "k13||\n";
    HttpResponse<Buffer> imported = tdx.post("/pipes", csv);
    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    assertEquals("0", imported.getHeader("TDX-Rows-Rejected"), imported.bodyAsString());
    String exported = tdx.export("/pipes");
    assertEquals(csv, exported);
    List<List<String>> values = read(exported);
    assertEquals(List.of("k01", "a|b", "1"), values.get(1));
    assertEquals(List.of("k03", "C:\\temp\\new", "3"), values.get(3));
    assertEquals(List.of("k04", "cr\rx", "4"), values.get(4));
    assertEquals(List.of("k08", "ends\\", "8"), values.get(8));
    assertEquals(List.of("k12", "\"all|of\\ it\n\"", "12"), values.get(12));
  }

  @Test
  @DisplayName("error files and a transaction's export part are written in the escape dialect too")
  void errorFilesAndParts() {
    HttpResponse<Buffer> imported = tdx.post("/pipes", "K|V|N\ngood|ok|1\nbad|say \\\"no\\\" to C:\\\\x|many\n");
    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    assertEquals("1", imported.getHeader("TDX-Rows-Rejected"));
    String errors = imported.bodyAsString();
    assertEquals("K|V|N|LINE|CAUSE|CAUSE_CODE", errors.lines().findFirst().orElseThrow());
    assertEquals(List.of("bad", "say \"no\" to C:\\x", "many"), read(errors).get(1).subList(0, 3));
    assertEquals(true, errors.contains("bad|say \\\"no\\\" to C:\\\\x|many|3|"), errors);

    String txn = Locations.path(tdx.post("/txn/start?async=true", "").getHeader("Location")).substring(5);
    HttpResponse<Buffer> part = tdx.get("/pipes?txn=" + txn);
    assertEquals(201, part.statusCode(), part.bodyAsString());
    String partId = part.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> committed = tdx.post("/txn/" + txn + "/commit", "{\"parts\": [\"" + partId + "\"]}");
    assertEquals(202, committed.statusCode(), committed.bodyAsString());
    HttpResponse<Buffer> poll = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn + "/poll?wait=30").followRedirects(false).send());
    assertEquals(303, poll.statusCode(), poll.bodyAsString());
    HttpResponse<Buffer> csv = TestServer.await(tdx.request(HttpMethod.GET, "/txn/" + txn + "/" + partId)
      .putHeader("Accept", "text/csv").send());
    assertEquals("K|V|N\ngood|ok|1\n", csv.bodyAsString());
  }

  @Test
  @DisplayName("escapes split across reads of one byte at a time read the same")
  void escapesAcrossReads() {
    String csv = "a|C:\\temp\\new\\t\\\\|\"q\\\"\\n\\\\n\"\nb|x\\\ny\\\\\n";
    List<List<String>> whole = read(csv);
    assertEquals(List.of(List.of("a", "C:tempnewt\\", "q\"n\\n"), List.of("b", "x\ny\\")), whole);
    assertEquals(whole, read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1));
      }
    }));
  }

  static List<List<String>> read(String csv) {
    return read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
  }

  static List<List<String>> read(java.io.InputStream input) {
    try (CsvRowReader reader = new CsvRowReader(input, PIPES, 1 << 20, 100)) {
      List<List<String>> rows = new ArrayList<>();
      for (var record = reader.next(); record != null; record = reader.next()) {
        rows.add(Arrays.stream(record.fields()).map(f -> f == null ? "" : f).toList());
      }
      return rows;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
